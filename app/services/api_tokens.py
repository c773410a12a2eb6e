"""API tokens of an organisation: create (the secret is shown once), list, revoke, and
authenticate a bearer secret.

Only the SHA-256 of a secret is stored. A slow password hash (argon2, bcrypt) protects
low-entropy passwords against guessing; a token is 256 random bits, so no guess can succeed
whatever the hash, and a fast digest lets a request find its token with one indexed lookup
instead of spending ~50 ms of CPU on every API call.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken, NotAllowed, Organisation, User, ValidationError
from models.base import utcnow

TOKEN_PREFIX = "ess_"  # recognisable in logs and by secret scanners
SHOWN_PREFIX = 12  # characters kept in clear to tell tokens apart
MAX_ACTIVE_TOKENS = 20


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def tokens_of(session: Session, organisation_id: int) -> list[ApiToken]:
    """An organisation's tokens, active first, newest first."""
    return list(session.scalars(select(ApiToken).where(
        ApiToken.organisation_id == organisation_id).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def create_token(session: Session, organisation: Organisation, name: str, scopes: list[str],
                 user: User | None) -> IssuedToken:
    """A new token; its secret is returned here only."""
    active = [t for t in tokens_of(session, organisation.id) if t.is_active]
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"Au plus {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un "
                              "d'abord.", "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organisation_id=organisation.id, name=name, scopes=" ".join(scopes),
                     prefix=secret[:SHOWN_PREFIX], token_hash=digest(secret),
                     created_by_id=user.id if user else None)
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


def revoke_token(session: Session, organisation: Organisation, token_id: int) -> ApiToken:
    """Revoke one of `organisation`'s tokens (revoking twice keeps the first date)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        raise NotAllowed("Ce jeton n'appartient pas à cette organisation.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The active token of this secret, or None (unknown, malformed or revoked). Reads only:
    an API GET never writes, so no « last used » stamp is kept."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    return token if token is not None and token.is_active else None
