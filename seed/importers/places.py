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
MIN_NAME_ANYWHERE = 5  # nationwide, short names (« Eu », « Vue ») are too often words
# Chefs-lieux (préfectures) by département, by name: a name missing from the La Poste base
# (a later merger) falls back to the <département>000 postcode heuristic.
PREFECTURES = dict(item.split(":") for item in """
01:Bourg-en-Bresse 02:Laon 03:Moulins 04:Digne-les-Bains 05:Gap 06:Nice 07:Privas
08:Charleville-Mézières 09:Foix 10:Troyes 11:Carcassonne 12:Rodez 13:Marseille 14:Caen
15:Aurillac 16:Angoulême 17:La-Rochelle 18:Bourges 19:Tulle 2A:Ajaccio 2B:Bastia 21:Dijon
22:Saint-Brieuc 23:Guéret 24:Périgueux 25:Besançon 26:Valence 27:Évreux 28:Chartres 29:Quimper
30:Nîmes 31:Toulouse 32:Auch 33:Bordeaux 34:Montpellier 35:Rennes 36:Châteauroux 37:Tours
38:Grenoble 39:Lons-le-Saunier 40:Mont-de-Marsan 41:Blois 42:Saint-Étienne 43:Le-Puy-en-Velay
44:Nantes 45:Orléans 46:Cahors 47:Agen 48:Mende 49:Angers 50:Saint-Lô 51:Châlons-en-Champagne
52:Chaumont 53:Laval 54:Nancy 55:Bar-le-Duc 56:Vannes 57:Metz 58:Nevers 59:Lille 60:Beauvais
61:Alençon 62:Arras 63:Clermont-Ferrand 64:Pau 65:Tarbes 66:Perpignan 67:Strasbourg 68:Colmar
69:Lyon 70:Vesoul 71:Mâcon 72:Le-Mans 73:Chambéry 74:Annecy 75:Paris 76:Rouen 77:Melun
78:Versailles 79:Niort 80:Amiens 81:Albi 82:Montauban 83:Toulon 84:Avignon
85:La-Roche-sur-Yon 86:Poitiers 87:Limoges 88:Épinal 89:Auxerre 90:Belfort
91:Évry-Courcouronnes 92:Nanterre 93:Bobigny 94:Créteil 95:Cergy 971:Basse-Terre
972:Fort-de-France 973:Cayenne 974:Saint-Denis 976:Mamoudzou
""".split())
FIRST_ARRONDISSEMENT = " 01"  # Paris, Lyon and Marseille are listed by arrondissement
# Commune names that are also rivers or départements (« Sèvre Loire Habitat », « Conseil
# départemental de la Mayenne »): only read as a commune after « Ville », « Commune »…
AMBIGUOUS_NAMES = frozenset("""LOIRE MAYENNE SARTHE MAINE ANJOU INDRE CHER ORNE MARNE SOMME
AIN AUBE EURE GERS LOT TARN VAR ISERE DROME DOUBS MEUSE MOSELLE OISE SAONE VIENNE YONNE AISNE
ALLIER AUDE CHARENTE CREUSE DORDOGNE GARD GIRONDE JURA LANDES MANCHE NORD RHONE SAVOIE SEINE
VOSGES ERDRE SEVRE OUEST""".split())
COMMUNE_MARKERS = ("VILLE ", "COMMUNE ", "MAIRIE ")


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
        """The préfecture; else the commune holding <département>000 with the most postcodes."""
        name = PREFECTURES.get(department, "")
        found = name and (self.from_name(name, department)
                          or self.from_name(name + FIRST_ARRONDISSEMENT, department))
        if found:
            return found
        candidates = self.by_postcode.get(department.ljust(5, "0"), [])
        best = sorted(candidates, key=lambda row: (-len(row.postcodes), row.insee))
        return best[0].insee if best else None

    def named_in(self, text: str, department: str) -> str | None:
        """A commune of the département whose name appears as whole words in `text`."""
        key = name_key(text)
        haystack, marked = f" {key} ", key.startswith(COMMUNE_MARKERS)
        found = [row for row in self.by_department.get(department, [])
                 if len(row.key) >= MIN_NAME_IN_TEXT and f" {row.key} " in haystack
                 and (marked or row.key not in AMBIGUOUS_NAMES)]
        return max(found, key=lambda row: len(row.key)).insee if found else None

    def named_anywhere(self, text: str) -> str | None:
        """The one commune of France whose (unambiguous, 5+ letters) name appears in `text`."""
        haystack = f" {name_key(text)} "
        found = [row for row in self.by_insee.values()
                 if len(row.key) >= MIN_NAME_ANYWHERE and row.key not in AMBIGUOUS_NAMES
                 and f" {row.key} " in haystack]
        longest = max((len(row.key) for row in found), default=0)
        best = [row for row in found if len(row.key) == longest]
        return best[0].insee if len(best) == 1 else None

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
