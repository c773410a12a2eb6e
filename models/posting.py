"""Needs and offers (postings), with tender lots, social clauses and reserved markets."""

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError, utcnow
from models.errors import raise_all
from models.organisation import Organisation
from models.reference import Commune, CpvCode, Filiere, Lever
from models.validators import too_long

DIRECTIONS = ("need", "offer")
POSTING_TYPES = ("tender", "purchase", "partnership", "resource", "skills", "financing")
STATUSES = ("draft", "published", "closed")
CLOSE_REASONS = ("awarded", "cancelled", "expired")
RESERVED_MARKETS = ("none", "siae", "ea_esat")
MAX_TITLE, MAX_DESCRIPTION = 200, 5000  # shown on the form, counted as the user types
# The lifecycle is draft -> published -> closed; nothing else.
TRANSITIONS = {"draft": {"published"}, "published": {"closed"}, "closed": set()}

posting_filieres = Table(
    "posting_filieres",
    Base.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("filiere_id", ForeignKey("filieres.id"), primary_key=True),
    # Per-filière counts scan the links in filière order (observatory).
    Index("ix_posting_filieres_filiere_id", "filiere_id", "posting_id"),
)
posting_levers = Table(
    "posting_levers",
    Base.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("lever_id", ForeignKey("levers.id"), primary_key=True),
)
posting_cpv_codes = Table(
    "posting_cpv_codes",
    Base.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("cpv_code", ForeignKey("cpv_codes.code"), primary_key=True),
)


class Posting(TimestampMixin, Base):
    __tablename__ = "postings"
    __table_args__ = (  # the observatory's aggregates read these indexes only
        Index("ix_postings_observatory", "status", "direction", "type", "commune_insee",
              "insertion_hours", "reserved"),
        Index("ix_postings_direction_published_at", "direction", "published_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(10), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    commune_insee: Mapped[str] = mapped_column(ForeignKey("communes.insee"), index=True)
    max_km: Mapped[float | None] = mapped_column(Float)
    budget_min: Mapped[float | None] = mapped_column(Numeric(14, 2))
    budget_max: Mapped[float | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    close_reason: Mapped[str | None] = mapped_column(String(12))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    matched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last ranking
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reserved: Mapped[str] = mapped_column(String(10), default="none")
    insertion_hours: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40), default="user")
    external_id: Mapped[str | None] = mapped_column(String(120), index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    commune: Mapped[Commune] = relationship(lazy="joined")
    filieres: Mapped[list[Filiere]] = relationship(
        secondary=posting_filieres, order_by=Filiere.position
    )
    levers: Mapped[list[Lever]] = relationship(secondary=posting_levers, order_by=Lever.position)
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=posting_cpv_codes)
    lots: Mapped[list["Lot"]] = relationship(
        back_populates="posting", cascade="all, delete-orphan", order_by="Lot.number"
    )

    @validates("direction")
    def _check_direction(self, _key: str, value: str) -> str:
        return _one_of(value, DIRECTIONS, "direction", "Sens inconnu (besoin ou offre).")

    @validates("type")
    def _check_type(self, _key: str, value: str) -> str:
        return _one_of(value, POSTING_TYPES, "type", "Type d'annonce inconnu.")

    @validates("reserved")
    def _check_reserved(self, _key: str, value: str) -> str:
        return _one_of(value or "none", RESERVED_MARKETS, "reserved", "Réservation inconnue.")

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        _one_of(value, STATUSES, "status", "Statut inconnu.")
        current = self.status
        if current is not None and current != value and value not in TRANSITIONS[current]:
            raise ValidationError(
                f"Passage impossible du statut « {current} » au statut « {value} ».", "status"
            )
        return value

    @validates("close_reason")
    def _check_close_reason(self, _key: str, value: str | None) -> str | None:
        if value is None:
            return None
        return _one_of(value, CLOSE_REASONS, "close_reason", "Motif de clôture inconnu.")

    @property
    def is_open(self) -> bool:
        return self.status == "published" and not self.is_past_deadline()

    def is_past_deadline(self, today: date | None = None) -> bool:
        return self.deadline is not None and self.deadline < (today or date.today())

    def publish(self) -> None:
        self.status = "published"
        self.published_at = utcnow()

    def close(self, reason: str) -> None:
        """Close with a reason (awarded, cancelled, expired); only a published posting closes."""
        if reason not in CLOSE_REASONS:
            raise ValidationError("Motif de clôture inconnu.", "close_reason")
        self.status = "closed"
        self.close_reason = reason
        self.closed_at = utcnow()

    def check(self) -> None:
        """Cross-field rules, run before every flush (every broken rule at once)."""
        raise_all(self.problems())

    def problems(self) -> list[ValidationError]:
        """Every rule this posting breaks (lengths, cross-field), each with its French message."""
        found = []
        if len(self.title or "") > MAX_TITLE:
            found.append(ValidationError(too_long("Le titre", self.title, MAX_TITLE), "title"))
        if len(self.description or "") > MAX_DESCRIPTION:
            found.append(ValidationError(
                too_long("La description", self.description, MAX_DESCRIPTION), "description"))
        return found + self._cross_field_problems()

    def _cross_field_problems(self) -> list[ValidationError]:
        found = []

        def problem(message: str, field: str) -> None:
            found.append(ValidationError(message, field))

        if self.type != "tender":
            if self.reserved not in (None, "none"):
                problem("Seul un appel d'offres peut être un marché réservé.", "reserved")
            if self.lots:
                problem("Seul un appel d'offres peut comporter des lots.", "lots")
        if self.insertion_hours is not None and self.insertion_hours < 0:
            problem("Le nombre d'heures d'insertion doit être positif.", "insertion_hours")
        if self.max_km is not None and self.max_km <= 0:
            problem("La distance maximale doit être positive.", "max_km")
        if (self.budget_min is not None and self.budget_max is not None
                and self.budget_min > self.budget_max):
            problem("Le budget minimum dépasse le budget maximum.", "budget_min")
        if self.status == "closed" and not self.close_reason:
            problem("Une annonce close doit avoir un motif.", "close_reason")
        return found


class Lot(Base):
    """A lot of a tender; `reserved` may restrict one lot only."""

    __tablename__ = "lots"
    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    estimated_amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    reserved: Mapped[str] = mapped_column(String(10), default="none")

    posting: Mapped[Posting] = relationship(back_populates="lots")

    @validates("reserved")
    def _check_reserved(self, _key: str, value: str) -> str:
        return _one_of(value or "none", RESERVED_MARKETS, "reserved", "Réservation inconnue.")


def _one_of(value: str, allowed: tuple[str, ...], field: str, message: str) -> str:
    if value not in allowed:
        raise ValidationError(message, field)
    return value


@event.listens_for(Session, "before_flush")
def _check_postings(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Posting):
            obj.check()
