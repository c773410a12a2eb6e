"""A proposed match between a need and an organisation or an offer, and its follow-up."""

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError
from models.organisation import Organisation
from models.posting import Posting

# The latest step, a cache of the follow-up history (models/follow_up.py) for lists and filters.
MATCH_STATUSES = ("proposed", "seen", "shortlisted", "interested", "declined", "contacted",
                  "replied", "retained", "not_retained")


class Match(TimestampMixin, Base):
    """Exactly one target: an organisation (supplier) or an offer; unique per (need, target)."""

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("need_id", "organisation_id", name="need_organisation"),
        UniqueConstraint("need_id", "offer_id", name="need_offer"),
        CheckConstraint(
            "(organisation_id IS NULL) <> (offer_id IS NULL)", name="exactly_one_target"
        ),
        Index("ix_matches_need_id_status", "need_id", "status", "organisation_id"),  # observatory
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    dismissed: Mapped[bool] = mapped_column(default=False)

    need: Mapped[Posting] = relationship(foreign_keys=[need_id])
    organisation: Mapped[Organisation | None] = relationship()
    offer: Mapped[Posting | None] = relationship(foreign_keys=[offer_id])

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in MATCH_STATUSES:
            raise ValidationError("Statut de mise en relation inconnu.", "status")
        return value
