"""Accounts: registration, password policy and hashing (argon2), authentication, session ends."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from models import User, ValidationError
from models.validators import normalise_email

_hasher = PasswordHasher()
# Verified against for unknown e-mails, so that login costs the same whether the account exists.
_DUMMY_HASH = _hasher.hash("essaim: no such account")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MIN_PASSWORD_SCORE = 3  # zxcvbn 0-4: 3 = "safely unguessable" (about 10^8 guesses and more)
SCORED_PREFIX = 64  # zxcvbn slows down on long input; a strong start is strong enough
WEAK_PASSWORD = ("Mot de passe trop facile à deviner (mot courant, suite ou répétition de "
                 "caractères) : allongez-le, par exemple avec plusieurs mots séparés par des "
                 "tirets.")


class EmailTaken(ValidationError):
    """Registration with an e-mail that already has an account (the web layer hides it)."""

    def __init__(self) -> None:
        super().__init__("Un compte existe déjà avec cette adresse e-mail.", "email")


def password_error(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """French reason why a new password is refused (too short, too long, guessable), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit comporter au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Le mot de passe doit comporter au plus {MAX_PASSWORD_LENGTH} caractères."
    inputs = [word for text in user_inputs for word in text.replace("@", " ").split()]
    if zxcvbn(password[:SCORED_PREFIX], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        return WEAK_PASSWORD
    return None


def _check_policy(password: str, *user_inputs: str) -> None:
    error = password_error(password, user_inputs)
    if error:
        raise ValidationError(error, "password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, email: str) -> User | None:
    try:
        email = normalise_email(email)
    except ValueError:  # control characters: no account can have this address
        return None
    return session.scalar(select(User).where(User.email == email))


def register_user(session: Session, email: str, password: str, name: str = "",
                  is_animator: bool = False) -> User:
    """Create a user; a weak password or a taken e-mail (EmailTaken) is refused in French.

    The password is hashed before the e-mail is looked up, so both answers take as long.
    """
    _check_policy(password, email, name)
    user = User(email=email, password_hash=hash_password(password), name=name,
                is_animator=is_animator)
    if find_user(session, user.email):
        raise EmailTaken()
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent registration won the race
        session.rollback()
        raise EmailTaken() from error
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials; unknown e-mails cost one hash check too."""
    user = find_user(session, email)
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return None
    if not check_password(user, password) or not user.is_active:
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """Logout: every cookie of this user stops working, copied ones included."""
    user.end_sessions()
    session.flush()


def change_password(session: Session, user: User, password: str) -> None:
    """Set a new password (policy checked) and end every existing session."""
    _check_policy(password, user.email, user.name)
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def deactivate_user(session: Session, user: User) -> None:
    """An animator closes an account: it can no longer log in and its sessions end now."""
    user.active = False
    end_sessions(session, user)
