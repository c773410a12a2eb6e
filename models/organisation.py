"""Organisations: ESS actors, public buyers, companies and networks."""

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError
from models.reference import Commune, Filiere, LegalForm
from models.validators import clean_identifier, normalise_siret, siret_error

if TYPE_CHECKING:
    from models.user import Membership

ORGANISATION_KINDS = ("ess", "public_buyer", "company", "network")
ALERT_FREQUENCIES = ("immediate", "weekly", "none")

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
