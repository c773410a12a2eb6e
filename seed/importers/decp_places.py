"""Where a DECP contract was executed, and where its buyer probably is.

DECP gives the place of execution (a commune, postcode, département, region or country code)
but never the buyer's address. The buyer's commune is, in order: a commune of the place's
département named in the buyer's name (« Ville de Saint-Nazaire »; the chef-lieu for a
département-wide body such as a SDIS), the place of execution when it is a commune, or the
département's chef-lieu, or a commune of France cited in the buyer's name (« CROUS de
Nantes » when the place is only « FR »); all but the first are reported as guesses.
"""

from dataclasses import dataclass

from matching.text import fold
from seed.importers.decp_records import DecpRecord
from seed.importers.places import CommuneIndex, department_of_postcode

# Bodies of a whole département sit at its chef-lieu.
DEPARTMENT_BODIES = ("DEPARTEMENT", "SDIS", "PREFECTURE", "CPAM", "CAF ")


@dataclass(frozen=True)
class Place:
    insee: str | None = None
    department: str | None = None
    precise: bool = False


def execution_place(index: CommuneIndex, record: DecpRecord) -> Place:
    kind, code = fold(record.lieu_type).lower(), record.lieu_code.strip()
    insee = None
    if "commune" in kind or "arrondissement" in kind:
        insee = index.from_insee(code)
    elif "postal" in kind:
        insee = index.from_postcode(code, record.lieu_nom)
    if insee:
        return Place(insee, index.department(insee), precise=True)
    department = code.upper() if "departement" in kind else None
    if "postal" in kind:
        department = department_of_postcode(code)
    department = department or record.department_guess or None
    return Place(department=department if department in index.by_department else None)


def buyer_commune(index: CommuneIndex, record: DecpRecord,
                  place: Place) -> tuple[str | None, str]:
    """(INSEE code, "" when found from the buyer's name, else a French note on the guess)."""
    department_body = any(word in fold(record.buyer_name).upper() for word in DEPARTMENT_BODIES)
    if place.department and department_body and index.chef_lieu(place.department):
        return index.chef_lieu(place.department), ""
    if place.department:
        named = index.named_in(record.buyer_name, place.department)
        if named:
            return named, ""
    if place.precise:
        return place.insee, "lieu d'exécution du marché"
    chef_lieu = index.chef_lieu(place.department) if place.department else None
    if chef_lieu:
        return chef_lieu, f"chef-lieu du département {place.department}"
    named = index.named_anywhere(record.buyer_name)
    return (named, "commune citée dans son nom") if named else (None, "")


def has_place(index: CommuneIndex, record: DecpRecord) -> bool:
    """Whether the record locates its contract at least to a département."""
    return execution_place(index, record).department is not None
