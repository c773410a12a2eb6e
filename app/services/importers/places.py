"""Find the commune (INSEE code) of an imported row from what the source gives: an INSEE code,
a postcode and a town name, a département, coordinates, or a commune named inside a buyer's
name. Reads La Poste's base (data/communes_france_laposte2020.csv), the file the communes
table is loaded from, because its raw uppercase names are the best key for matching.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matching.text import fold
from models.reference_data import read_csv

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_CEDEX = re.compile(r"\bCEDEX\b.*$")
_SAINTS = {"SAINT": "ST", "SAINTE": "STE"}
MIN_NAME_IN_TEXT = 3  # shorter commune names (« Y ») would match anything
# Postcode of the chef-lieu when it is not <département>000.
CHEF_LIEU_POSTCODES = {"2A": "20000", "2B": "20200"}


def name_key(name: str) -> str:
    """« Saint-Herblain Cedex 2 », « ST HERBLAIN » → « ST HERBLAIN »."""
    text = _NON_ALNUM.sub(" ", fold(name or "").upper()).strip()
    text = _CEDEX.sub("", text).strip()
    return " ".join(_SAINTS.get(word, word) for word in text.split())


@dataclass(frozen=True)
class CommuneRow:
    insee: str
    key: str
    department: str
    postcodes: tuple[str, ...]
    lat: float | None
    lon: float | None


class CommuneIndex:
    """Lookups over the 35,099 communes of the La Poste base (built once per process)."""

    def __init__(self, rows: list[CommuneRow]):
        self.by_insee = {row.insee: row for row in rows}
        self.by_postcode: dict[str, list[CommuneRow]] = {}
        self.by_department: dict[str, list[CommuneRow]] = {}
        for row in rows:
            for postcode in row.postcodes:
                self.by_postcode.setdefault(postcode, []).append(row)
            self.by_department.setdefault(row.department, []).append(row)
        located = [row for row in rows if row.lat is not None and row.lon is not None]
        self._located = located
        self._coords = np.radians([[row.lat, row.lon] for row in located])

    def from_insee(self, code: str) -> str | None:
        text = (code or "").strip()
        text = text.zfill(5) if text.isdigit() else text.upper()
        return text if text in self.by_insee else None

    def from_postcode(self, postcode: str, name: str = "") -> str | None:
        """The commune of a postcode; when several share it, the one whose name matches."""
        candidates = self.by_postcode.get((postcode or "").strip().zfill(5), [])
        key = name_key(name)
        named = [row for row in candidates if key and row.key == key]
        if named or len(candidates) == 1:
            return (named or candidates)[0].insee
        department = department_of_postcode(postcode)
        if key and department:
            return self.from_name(key, department)
        return None

    def from_name(self, name: str, department: str) -> str | None:
        key = name_key(name)
        rows = [row for row in self.by_department.get(department, []) if row.key == key]
        return rows[0].insee if len(rows) == 1 else None

    def chef_lieu(self, department: str) -> str | None:
        """Heuristic chef-lieu: the commune holding <département>000 with the most postcodes."""
        postcode = CHEF_LIEU_POSTCODES.get(department) or department.ljust(5, "0")
        candidates = self.by_postcode.get(postcode, [])
        best = sorted(candidates, key=lambda row: (-len(row.postcodes), row.insee))
        return best[0].insee if best else None

    def named_in(self, text: str, department: str) -> str | None:
        """A commune of the département whose name appears as whole words in `text`."""
        haystack = f" {name_key(text)} "
        found = [row for row in self.by_department.get(department, [])
                 if len(row.key) >= MIN_NAME_IN_TEXT and f" {row.key} " in haystack]
        return max(found, key=lambda row: len(row.key)).insee if found else None

    def nearest(self, lat: float, lon: float) -> str | None:
        """The commune whose La Poste centroid is closest (haversine)."""
        if not self._located:
            return None
        point = np.radians([lat, lon])
        delta = self._coords - point
        a = (np.sin(delta[:, 0] / 2) ** 2 + np.cos(point[0]) * np.cos(self._coords[:, 0])
             * np.sin(delta[:, 1] / 2) ** 2)
        return self._located[int(np.argmin(a))].insee

    def department(self, insee: str) -> str | None:
        row = self.by_insee.get(insee)
        return row.department if row else None


def department_of_postcode(postcode: str) -> str | None:
    text = (postcode or "").strip()
    if not re.fullmatch(r"\d{5}", text):
        return None
    if text.startswith("97") or text.startswith("98"):
        return text[:3]
    if text.startswith("20"):
        return "2A" if text < "20200" else "2B"
    return text[:2]


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@lru_cache(maxsize=1)
def commune_index() -> CommuneIndex:
    return CommuneIndex([
        CommuneRow(row["code_insee"], name_key(row["nom_laposte"]), row["departement"],
                   tuple(row["codes_postaux"].split("|")), _float(row["lat"]),
                   _float(row["lon"]))
        for row in read_csv("communes_france_laposte2020.csv")
    ])
