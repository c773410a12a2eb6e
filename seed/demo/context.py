"""What every builder shares: the seeded random generator, the catalogue and the communes."""

from dataclasses import dataclass, field
from random import Random

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Commune
from seed.demo.catalogue import Catalogue
from seed.demo.identity import address, contact, coordinates, phone, siret_for
from seed.demo.specs import OrgSpec, Place


def load_places(session: Session, outside: list[str]) -> dict[str, Place]:
    """The 24 communes of the metropole plus the few outside ones the catalogue names."""
    rows = session.scalars(
        select(Commune).where(or_(Commune.in_metropole.is_(True), Commune.insee.in_(outside)))
    )
    return {
        row.insee: Place(row.insee, row.name, row.lat, row.lon,
                         tuple(row.postcodes.split("|")), row.in_metropole)
        for row in rows
    }


@dataclass
class BuildContext:
    rng: Random
    seed: int
    catalogue: Catalogue
    places: dict[str, Place]
    sirets: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    @property
    def common(self) -> dict:
        return self.catalogue.common

    def place(self, insee: str) -> Place:
        return self.places[insee]

    def new_org(self, key: str, kind: str, name: str, form: str, place: Place,
                filieres: list[str], description: str, **extra) -> OrgSpec:
        """An organisation with its deterministic SIRET, address, coordinates and contacts."""
        self.names.add(name)
        website, email = contact(name, key)
        lat, lon = coordinates(self.rng, place)
        return OrgSpec(
            key=key, kind=kind, name=name, siret=siret_for(self.seed, key, self.sirets),
            form=form, place=place, filieres=filieres, description=description,
            address=address(self.rng, self.common["streets"], place), lat=lat, lon=lon,
            website=website, email=email, phone=phone(self.rng), **extra,
        )
