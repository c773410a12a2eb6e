"""Organisations: ESS actors, public buyers, companies and networks."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError, utcnow
from models.reference import Commune, Filiere, LegalForm
from models.validators import clean_identifier, normalise_siret, siret_error

if TYPE_CHECKING:
    from models.user import Membership

ORGANISATION_KINDS = ("ess", "public_buyer", "company", "network")
ALERT_FREQUENCIES = ("immediate", "weekly", "none")
# Statuses that carry legal weight, and where each one comes from (docs/legal-rules.md):
# « declared » by the organisation (legal form, ESUS box), « official » when its SIRET is in an
# official file (Marché de l'inclusion export), « animator » when an animator validated it,
# « refused » when an animator refused it (the status is then off and not re-declared).
STATUS_KINDS = ("siae", "ea_esat", "esus")
STATUS_SOURCES = ("declared", "official", "animator", "refused")
VERIFIED_SOURCES = frozenset({"official", "animator"})
STATUS_LABELS = {"siae": "SIAE", "ea_esat": "EA/ESAT", "esus": "ESUS"}

organisation_filieres = Table(
    "organisation_filieres",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("filiere_id", ForeignKey("filieres.id"), primary_key=True),
)


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    legal_form_code: Mapped[str | None] = mapped_column(ForeignKey("legal_forms.code"))
    esus: Mapped[bool] = mapped_column(Boolean, default=False)
    siae: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    ea_esat: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    commune_insee: Mapped[str] = mapped_column(ForeignKey("communes.insee"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    capacities: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sdg: Mapped[list[int]] = mapped_column(JSON, default=list)
    naf_code: Mapped[str | None] = mapped_column(String(6))
    source: Mapped[str] = mapped_column(String(40), default="user")
    alert_frequency: Mapped[str] = mapped_column(String(12), default="immediate")
    alert_filieres: Mapped[list[str]] = mapped_column(JSON, default=list)
    siae_source: Mapped[str] = mapped_column(String(12), default="declared",
                                             server_default="declared")
    ea_esat_source: Mapped[str] = mapped_column(String(12), default="declared",
                                                server_default="declared")
    esus_source: Mapped[str] = mapped_column(String(12), default="declared",
                                             server_default="declared")

    legal_form: Mapped[LegalForm | None] = relationship(lazy="joined")
    commune: Mapped[Commune] = relationship(lazy="joined")
    filieres: Mapped[list[Filiere]] = relationship(
        secondary=organisation_filieres, order_by=Filiere.position
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @validates("siret")
    def _check_siret(self, _key: str, value: str) -> str:
        error = siret_error(value)
        if error:
            raise ValidationError(error, "siret")
        return normalise_siret(value)

    @validates("name", "email")
    def _normalise_identifier(self, key: str, value: str) -> str:
        return clean_identifier(key, value)

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in ORGANISATION_KINDS:
            raise ValidationError(f"Type d'organisation inconnu : {value}.", "kind")
        return value

    @validates("sdg")
    def _check_sdg(self, _key: str, value: list[int]) -> list[int]:
        if any(not 1 <= int(goal) <= 17 for goal in value or []):
            raise ValidationError("Les ODD sont numérotés de 1 à 17.", "sdg")
        return sorted({int(goal) for goal in value or []})

    @validates("alert_frequency")
    def _check_alert_frequency(self, _key: str, value: str) -> str:
        if value not in ALERT_FREQUENCIES:
            raise ValidationError("Fréquence d'alerte inconnue.", "alert_frequency")
        return value

    @validates("siae_source", "ea_esat_source", "esus_source")
    def _check_status_source(self, key: str, value: str) -> str:
        if value not in STATUS_SOURCES:
            raise ValidationError("Origine de statut inconnue.", key)
        return value

    def has_status(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    def status_source(self, kind: str) -> str:
        return getattr(self, f"{kind}_source") or "declared"

    def status_verified(self, kind: str) -> bool:
        """Held and checked (official file or animator), not merely declared."""
        return self.has_status(kind) and self.status_source(kind) in VERIFIED_SOURCES

    def statuses(self) -> list[tuple[str, bool]]:
        """(kind, verified) for every status held, for badges."""
        return [(kind, self.status_verified(kind)) for kind in STATUS_KINDS
                if self.has_status(kind)]

    def eligible_for(self, reserved: str | None) -> bool:
        """May hold a lot of a market reserved to SIAE (L2113-13) or EA/ESAT (L2113-12).

        A declared status counts (it is labelled « déclaré » wherever it is shown): the buyer
        checks the status of every candidate anyway; a status refused by an animator is off.
        """
        if reserved in (None, "", "none"):
            return True
        return self.has_status(reserved)

    @property
    def is_supplier(self) -> bool:
        """Public buyers buy; every other kind can answer a need."""
        return self.kind != "public_buyer"


class NetworkMember(Base):
    """A standing member of a network (kind `network`), used to prefer same-network groupements."""

    __tablename__ = "network_members"
    network_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    network: Mapped[Organisation] = relationship(foreign_keys=[network_id])
    member: Mapped[Organisation] = relationship(foreign_keys=[member_id])


class StatusDecision(Base):
    """Who verified or refused an organisation's status, when, from which source, and why."""

    __tablename__ = "status_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(10))  # verified | refused
    source: Mapped[str] = mapped_column(String(12))  # official | animator
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in STATUS_KINDS:
            raise ValidationError("Statut inconnu.", "status")
        return value

    @validates("decision")
    def _check_decision(self, _key: str, value: str) -> str:
        if value not in ("verified", "refused"):
            raise ValidationError("Décision inconnue.", "decision")
        return value
