"""Per-organisation API tokens: only a hash of the secret is stored, with its scopes."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, ValidationError, utcnow
from models.organisation import Organisation

API_SCOPES = ("read", "write")


class ApiToken(Base):
    """A bearer token of an organisation; `prefix` (the secret's first characters) lets its
    owners recognise it in the list; revoking keeps the row (who created it, when)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(40))  # space-separated, as in OAuth
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()

    @validates("scopes")
    def _check_scopes(self, _key: str, value: str) -> str:
        scopes = value.split()
        if not scopes or any(scope not in API_SCOPES for scope in scopes):
            raise ValidationError("Choisissez au moins une permission : lecture ou écriture.",
                                  "scopes")
        return " ".join(scope for scope in API_SCOPES if scope in scopes)

    @validates("name")
    def _check_name(self, _key: str, value: str) -> str:
        value = " ".join((value or "").split())
        if not value:
            raise ValidationError("Donnez un nom au jeton (l'outil qui l'utilisera).", "name")
        return value[:80]

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
