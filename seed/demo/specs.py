"""Plain descriptions of the demo rows, built in memory before anything touches the database."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Place:
    """A commune as the builders need it (name, centroid, postcodes)."""

    insee: str
    name: str
    lat: float
    lon: float
    postcodes: tuple[str, ...]
    in_metropole: bool


@dataclass
class OrgSpec:
    key: str
    kind: str
    name: str
    siret: str
    form: str
    place: Place
    filieres: list[str]
    description: str
    headcount: int | None = None
    capacities: str = ""
    esus: bool = False
    qpv: bool = False
    sdg: list[int] = field(default_factory=list)
    naf: str | None = None
    archetype: str = ""
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    website: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class LotSpec:
    number: int
    title: str
    description: str
    estimated_amount: float
    reserved: str = "none"


@dataclass
class PostingSpec:
    external_id: str
    owner_key: str
    direction: str
    type: str
    title: str
    description: str
    commune_insee: str
    filieres: list[str]
    levers: list[str]
    cpv_codes: list[str] = field(default_factory=list)
    max_km: float | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    deadline: date | None = None
    status: str = "published"
    close_reason: str | None = None
    published_at: datetime | None = None
    closed_at: datetime | None = None
    reserved: str = "none"
    insertion_hours: int | None = None
    lots: list[LotSpec] = field(default_factory=list)


@dataclass
class NetworkSpec:
    network_key: str
    member_keys: list[str]
