"""The follow-up of a need: what happened between the buyer and each candidate, in order.

A candidate is a supplier organisation (suggested, or writing to the buyer) or a groupement
that applied. Every step is one `FollowUpEvent` row, never overwritten: the buyer's timeline,
the dashboard counts and the ranker's training data all read this history. `Match.status` and
`Match.dismissed` are caches of it (see docs/follow-up.md).

`ReminderSent` records each reminder so that the periodic job never sends one twice, and
`SuggestionFeedback` stores « Cette suggestion vous a-t-elle été utile ? » (ranker data).
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError, utcnow
from models.consortium import Consortium
from models.organisation import Organisation
from models.user import User

# Buyer steps, supplier steps, then the outcome. « suggested » is not stored: it is the
# Match row's creation (the engine writes Match rows, the history starts from them).
BUYER_KINDS = ("shortlisted", "contacted", "dismissed", "restored")
SUPPLIER_KINDS = ("viewed", "replied", "interested", "not_interested", "applied")
OUTCOME_KINDS = ("retained", "not_retained")
EVENT_KINDS = BUYER_KINDS + SUPPLIER_KINDS + OUTCOME_KINDS
REMINDER_KINDS = ("buyer_7", "buyer_14", "buyer_21", "deadline")
FEEDBACK_REASONS = ("relevant", "already_known", "off_topic", "too_far", "not_eligible",
                    "too_small_or_big", "other")


class FollowUpEvent(Base):
    """One step of the follow-up of a need with one candidate (organisation or groupement)."""

    __tablename__ = "follow_up_events"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (consortium_id IS NULL)",
                        name="one_candidate"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"),
                                         index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    consortium_id: Mapped[int | None] = mapped_column(
        ForeignKey("consortia.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)

    organisation: Mapped[Organisation | None] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    actor: Mapped[User | None] = relationship()

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in EVENT_KINDS:
            raise ValidationError("Étape de suivi inconnue.", "kind")
        return value


class ReminderSent(Base):
    """A reminder already sent (one per posting, organisation and kind)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("posting_id", "organisation_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"),
                                            index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in REMINDER_KINDS:
            raise ValidationError("Relance inconnue.", "kind")
        return value


class SuggestionFeedback(TimestampMixin, Base):
    """A user's answer to « utile ? » on a suggestion (buyer) or an opportunity alert
    (supplier); one per user and match, changeable. Ranker training data."""

    __tablename__ = "suggestion_feedback"
    __table_args__ = (UniqueConstraint("match_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))
    useful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    @validates("side")
    def _check_side(self, _key: str, value: str) -> str:
        if value not in ("buyer", "supplier"):
            raise ValidationError("Côté inconnu.", "side")
        return value

    @validates("reason")
    def _check_reason(self, _key: str, value: str) -> str:
        if value and value not in FEEDBACK_REASONS:
            raise ValidationError("Choisissez une raison dans la liste.", "reason")
        return value or ""
