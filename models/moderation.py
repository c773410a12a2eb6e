"""The animators' moderation queue and the audit log of organisation edits.

A `ModerationItem` is one thing waiting for an animator: a message or a join request sent to an
organisation that has no member yet, a claim of an organisation, or reported content. Items are
kept after they are decided (status, who, when) so the queue has a history.

An `AuditEntry` records one changed field of an organisation: who changed it, from what, to
what, when — shown on the organisation's page to animators.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError, utcnow
from models.message import Thread
from models.organisation import Organisation
from models.posting import Posting
from models.user import Membership, User

ITEM_KINDS = ("message", "join_request", "claim", "report")
ITEM_STATUSES = ("open", "approved", "rejected", "delivered")
REPORT_MAX = 1000


class ModerationItem(TimestampMixin, Base):
    __tablename__ = "moderation_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"))
    posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set once the animators were e-mailed about it (the job is retried until then).
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    thread: Mapped[Thread | None] = relationship()
    membership: Mapped[Membership | None] = relationship()
    posting: Mapped[Posting | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in ITEM_KINDS:
            raise ValidationError(f"Type de signalement inconnu : {value}.", "kind")
        return value

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in ITEM_STATUSES:
            raise ValidationError(f"Statut inconnu : {value}.", "status")
        return value

    @validates("note")
    def _check_note(self, _key: str, value: str) -> str:
        value = (value or "").strip()
        if len(value) > REPORT_MAX:
            raise ValidationError(
                f"Le motif est trop long ({len(value)} caractères, {REPORT_MAX} au plus).",
                "note")
        return value

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()
