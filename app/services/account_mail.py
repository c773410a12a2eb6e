"""E-mails about an account: password-reset links (signed, expiring after an hour, dead once
used or after any logout) and « this address already has an account ».

Requests only queue them (an outbox event, sent by the job queue after the commit); the job
builds the link then, so no token is ever stored.
"""

import hashlib
import hmac

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.infra.mail import Mailer
from models import User
from models.change_log import emit

ACCOUNT_EMAIL = "account_email"

RESET_MAX_AGE_SECONDS = 3600
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="essaim-password-reset")


def _fingerprint(user: User) -> str:
    """Changes with the password and the session version, so that a used link stops working."""
    return hashlib.sha256(f"{user.password_hash}:{user.session_version}".encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "fp": _fingerprint(user)})


def user_from_token(session: Session, token: str) -> User | None:
    """The active user a reset link was made for, or None (forged, expired, already used)."""
    try:
        payload = _serializer().loads(token, max_age=RESET_MAX_AGE_SECONDS)
        user = session.get(User, int(payload["id"]))
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(str(payload.get("fp")), _fingerprint(user)) else None


def _verify_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="essaim-verify-email")


def verification_token(user: User) -> str:
    """Proves the holder read mail sent to this address (void if the address changes)."""
    return _verify_serializer().dumps({"id": user.id, "email": user.email})


def user_from_verification_token(session: Session, token: str) -> User | None:
    try:
        payload = _verify_serializer().loads(token, max_age=VERIFY_MAX_AGE_SECONDS)
        user = session.get(User, int(payload["id"]))
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
    if user is None or not user.is_active or payload.get("email") != user.email:
        return None
    return user


def queue_email_verification(session: Session, user: User) -> None:
    emit(session, ACCOUNT_EMAIL, user_id=user.id, template="verify_email")


def queue_password_reset(session: Session, user: User) -> None:
    emit(session, ACCOUNT_EMAIL, user_id=user.id, template="password_reset")


def queue_account_exists(session: Session, user: User) -> None:
    emit(session, ACCOUNT_EMAIL, user_id=user.id, template="account_exists")


def send_account_email(session: Session, mailer: Mailer, user_id: int, template: str) -> None:
    """Job: build and send one account e-mail (links need a request context for url_for)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return
    subject, write_body = TEMPLATES[template]
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        body = write_body(user)
    if not mailer.send(user.email, subject, body):
        raise RuntimeError(f"account e-mail to user {user_id} failed")


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _password_reset(user: User) -> str:
    return (f"Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une "
            f"heure, une seule fois) :\n\n{_link('auth.reset_password', token=reset_token(user))}"
            "\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change "
            "pas.\n")


def _account_exists(user: User) -> str:
    return ("Bonjour,\n\nQuelqu'un (peut-être vous) a voulu créer un compte Essaim avec cette "
            "adresse, qui a déjà un compte.\n\nPour vous connecter : "
            f"{_link('auth.login')}\nMot de passe oublié : {_link('auth.forgot_password')}\n\n"
            "Si ce n'était pas vous, ignorez ce message.\n")


def _verify_email(user: User) -> str:
    link = _link("auth.verify_email", token=verification_token(user))
    return ("Bonjour,\n\nPour confirmer que cette adresse est bien la vôtre, ouvrez ce lien "
            f"(valable trois jours) :\n\n{link}"
            "\n\nSi vous n'avez rien demandé, ignorez ce message.\n")


TEMPLATES = {
    "verify_email": ("Essaim : confirmez votre adresse e-mail", _verify_email),
    "password_reset": ("Essaim : choisir un nouveau mot de passe", _password_reset),
    "account_exists": ("Essaim : votre adresse est déjà inscrite", _account_exists),
}
