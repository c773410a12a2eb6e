"""Password-reset links: signed, expiring after an hour, dead once used (or after any logout)."""

import hashlib
import hmac
from email.message import EmailMessage

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.services.notify import MailSettings, deliver
from models import User

RESET_MAX_AGE_SECONDS = 3600


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


def _send(user: User, subject: str, body: str) -> bool:
    settings = MailSettings.from_config(current_app.config)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = user.email
    message["Subject"] = subject
    message.set_content(body)
    return deliver(message, settings)


def _link(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def send_password_reset(user: User) -> bool:
    """E-mail a one-hour, single-use link to choose a new password."""
    return _send(user, "Essaim : choisir un nouveau mot de passe", (
        f"Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, "
        f"une seule fois) :\n\n{_link('auth.reset_password', token=reset_token(user))}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"))


def send_account_exists(user: User) -> bool:
    """Someone tried to register with this address: tell its owner, not the visitor."""
    return _send(user, "Essaim : votre adresse est déjà inscrite", (
        "Bonjour,\n\nQuelqu'un (peut-être vous) a voulu créer un compte Essaim avec cette "
        "adresse, qui a déjà un compte.\n\nPour vous connecter : "
        f"{_link('auth.login')}\nMot de passe oublié : {_link('auth.forgot_password')}\n\n"
        "Si ce n'était pas vous, ignorez ce message.\n"))
