"""Geography: great-circle distances and commune-name lookup.

Names are matched on a folded key (case, accents, hyphens, apostrophes, SAINT/ST), so
« Saint-Sébastien-sur-Loire », « ST SEBASTIEN SUR LOIRE » and « saint sebastien sur loire »
are one commune. On homonyms the Loire-Atlantique (44) commune wins: Essaim is local.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matching.text import folded_key

EARTH_RADIUS_KM = 6371.0088
REPO_DATA = Path(__file__).resolve().parent.parent / "data"
FRANCE_CSV = REPO_DATA / "communes_france_laposte2020.csv"
METROPOLE_CSV = REPO_DATA / "nantes_metropole_communes.csv"
HOME_DEPARTEMENT = "44"
CITIES_WITH_ARRONDISSEMENTS = frozenset({"PARIS", "LYON", "MARSEILLE"})


@dataclass(frozen=True)
class Commune:
    name: str
    lat: float
    lon: float
    in_metropole: bool


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def distance_km(a_lat: float | None, a_lon: float | None,
                b_lat: float | None, b_lon: float | None) -> float | None:
    """Distance, or None when either point is unknown."""
    if None in (a_lat, a_lon, b_lat, b_lon):
        return None
    return haversine_km(a_lat, a_lon, b_lat, b_lon)  # type: ignore[arg-type]


class CommuneTable:
    """Commune name → coordinates and metropole membership; later sources override earlier."""

    def __init__(self, communes: Iterable[Commune] = ()) -> None:
        self._by_key: dict[str, Commune] = {}
        self.add(communes)

    def add(self, communes: Iterable[Commune]) -> None:
        for commune in communes:
            self._by_key[folded_key(commune.name)] = commune

    def communes(self) -> list[Commune]:
        return list(self._by_key.values())

    def lookup(self, name: str | None) -> Commune | None:
        return self._by_key.get(folded_key(name)) if name else None

    def __len__(self) -> int:
        return len(self._by_key)


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _france_rows(metropole_codes: set[str]) -> list[Commune]:
    """La Poste 2020 communes, other departments first so that 44 wins on homonyms."""
    rows = sorted(_read_csv(FRANCE_CSV), key=lambda r: r["departement"] == HOME_DEPARTEMENT)
    return [Commune(r["nom_laposte"], float(r["lat"]), float(r["lon"]),
                    r["code_insee"] in metropole_codes) for r in rows if r["lat"] and r["lon"]]


@lru_cache(maxsize=1)
def france_communes() -> CommuneTable:
    """The project's reference: every French commune, the 24 metropole ones flagged."""
    metropole = _read_csv(METROPOLE_CSV)
    rows = _france_rows({r["code_insee"] for r in metropole})
    table = CommuneTable(rows)
    table.add(_arrondissement_cities(rows))
    table.add(Commune(r["nom"], float(r["lat"]), float(r["lon"]), True) for r in metropole)
    return table


def _arrondissement_cities(rows: list[Commune]) -> list[Commune]:
    """« PARIS 01 » … « PARIS 20 » also answer to « Paris », at their mean position."""
    groups: dict[str, list[Commune]] = {}
    for commune in rows:
        base, _, number = commune.name.rpartition(" ")
        if base and number.isdigit() and base in CITIES_WITH_ARRONDISSEMENTS:
            groups.setdefault(base, []).append(commune)
    return [Commune(base, sum(c.lat for c in cs) / len(cs), sum(c.lon for c in cs) / len(cs),
                    False) for base, cs in groups.items()]


def read_communes_tsv(path: Path) -> list[Commune]:
    """A benchmark's ``communes.tsv`` (commune, lat, lon, in_metropole)."""
    return [Commune(r["commune"], float(r["lat"]), float(r["lon"]),
                    r.get("in_metropole", "0").strip() in ("1", "true", "True"))
            for r in _read_csv(path, delimiter="\t")]
