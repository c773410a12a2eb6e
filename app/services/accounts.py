"""Accounts: registration, password hashing (argon2) and authentication."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User, ValidationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def register_user(session: Session, email: str, password: str, name: str = "",
                  is_animator: bool = False) -> User:
    """Create a user; refuses a taken e-mail or a short password with a French message."""
    if find_user(session, email):
        raise ValidationError("Un compte existe déjà avec cette adresse e-mail.", "email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Le mot de passe doit comporter au moins {MIN_PASSWORD_LENGTH} caractères.",
            "password",
        )
    user = User(email=email, password_hash=hash_password(password), name=name,
                is_animator=is_animator)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None or not user.is_active or not check_password(user, password):
        return None
    return user
