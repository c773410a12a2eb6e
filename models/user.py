"""Users and their memberships in organisations."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError
from models.organisation import Organisation
from models.validators import clean_identifier

MEMBERSHIP_ROLES = ("owner", "member")
MEMBERSHIP_STATUSES = ("active", "pending")


class User(TimestampMixin, Base):
    """A person; `is_animator` is the platform role of the network's animators (admins)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(120), default="")
    is_animator: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the session cookie: bumping it (logout, new password, deactivation) ends every
    # session of the user, including copied cookies.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Set once the user opened a signed link sent to the address: proof they read that mailbox
    # (a claim by e-mail domain relies on it).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email", "name")
    def _normalise_identifier(self, key: str, value: str) -> str:
        return clean_identifier(key, value)

    def end_sessions(self) -> None:
        """Invalidate every session cookie issued so far (they carry the old version)."""
        self.session_version = (self.session_version or 1) + 1

    # Flask-Login's user protocol, written out so that models never import Flask.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def active_organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships if m.status == "active"]


# The stored e-mail is already normalised; this index also guards writes that bypass the model.
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class Membership(TimestampMixin, Base):
    """A user's place in an organisation; `pending` is a request to join awaiting the owner."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10), default="member")
    status: Mapped[str] = mapped_column(String(10), default="active")

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    @validates("role")
    def _check_role(self, _key: str, value: str) -> str:
        if value not in MEMBERSHIP_ROLES:
            raise ValidationError("Rôle inconnu.", "role")
        return value

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in MEMBERSHIP_STATUSES:
            raise ValidationError("Statut d'adhésion inconnu.", "status")
        return value
