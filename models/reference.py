"""Reference data of the roadmap and of French public nomenclatures (read-only for users)."""

from sqlalchemy import Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Filiere(Base):
    """One of the roadmap's 10 cooperation sectors."""

    __tablename__ = "filieres"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Lever(Base):
    """One of the roadmap's 8 action levers."""

    __tablename__ = "levers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Commune(Base):
    """A French commune (INSEE code) with its La Poste centroid."""

    __tablename__ = "communes"
    insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    department: Mapped[str] = mapped_column(String(3), index=True)
    postcodes: Mapped[str] = mapped_column(String(120), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    in_metropole: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class LegalForm(Base):
    """A legal form, with the family and eligibility flags it implies."""

    __tablename__ = "legal_forms"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(160))
    family: Mapped[str] = mapped_column(String(20))  # ess | siae | handicap | company | public
    is_siae: Mapped[bool] = mapped_column(Boolean, default=False)
    is_ea_esat: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CpvCode(Base):
    """A code of the CPV 2008 nomenclature (8 digits, without the check digit)."""

    __tablename__ = "cpv_codes"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    division: Mapped[str] = mapped_column(String(2), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(8))
