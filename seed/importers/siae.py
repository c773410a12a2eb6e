"""Import inclusion employers (SIAE, GEIQ, EA) from a CSV such as the Marché de l'inclusion
export in data/suppliers/siae_lemarche_fixture.csv.

Columns are found by name (aliases below), in any order; only a SIRET and a name are required.
The SIRET is the key: a second run updates what changed and creates nothing. Organisations
that their members manage on Essaim (or created by another source) are never overwritten;
buyer stubs created by the DECP import (SIRET and name only) are completed.

The file is official (the Marché de l'inclusion lists the structures the State conventions):
the SIAE or EA status of its structure kind is marked « vérifié » on the organisation matched
by normalised SIRET, whoever manages it (docs/legal-rules.md).
"""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.organisations import (
    OrganisationData,
    apply_data,
    create_organisation,
    find_by_siret,
)
from app.services.statuses import verify_official
from matching.sectors import normalise_naf
from models import LegalForm, Organisation
from models.validators import normalise_siret, siret_error
from seed.importers.activity import activity_filieres, activity_text
from seed.importers.common import (
    ImportReport,
    Outcome,
    Row,
    RowSkipped,
    pick,
    read_csv_rows,
    require_columns,
    run_rows,
)
from seed.importers.decp import with_linked_awards
from seed.importers.legal import kind_for, legal_form_code
from seed.importers.places import CommuneIndex, commune_index

SOURCE = "lemarche"
# A buyer stub created from DECP (SIRET and name only) gives way to the richer SIAE record.
STUB_SOURCES = {"decp"}
SIRET = ("siret",)
NAME = ("brand", "enseigne", "name", "nom", "raison_sociale", "denomination")
STRUCTURE_KIND = ("kind", "type_structure", "type")
LEGAL_FORM = ("legal_form", "forme_juridique", "categorie_juridique")
NAF = ("naf", "code_naf", "naf_code", "activite_principale")
INSEE = ("code_insee", "commune_insee", "insee")
POSTCODE = ("post_code", "code_postal", "cp")
CITY = ("city", "ville", "commune")
LAT, LON = ("lat", "latitude"), ("lon", "lng", "longitude")
TRUE_WORDS = {"1", "oui", "true", "vrai", "yes", "o"}


def read_siae(path: Path) -> list[tuple[int, Row]]:
    rows = read_csv_rows(path)
    require_columns(rows, SIRET, NAME)
    return rows


def import_siae(session: Session, path: Path,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    return import_siae_rows(session, read_siae(path), progress)


def import_siae_rows(session: Session, rows: list[tuple[int, Row]],
                     progress: Callable[[int], None] | None = None,
                     title: str = "Structures inclusives (SIAE)") -> ImportReport:
    importer = SiaeImporter(session, ImportReport(title))
    report = run_rows(session, rows, importer.handle, importer.report, progress)
    return with_linked_awards(session, report)


def coordinates(row: Row) -> tuple[float, float] | None:
    try:
        lat, lon = float(pick(row, *LAT)), float(pick(row, *LON))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def locate(index: CommuneIndex, row: Row) -> tuple[str | None, str]:
    """(INSEE code, how it was found): INSEE code, else postcode + name, else coordinates."""
    insee = index.from_insee(pick(row, *INSEE))
    if insee:
        return insee, "insee"
    insee = index.from_postcode(pick(row, *POSTCODE), pick(row, *CITY))
    if insee:
        return insee, "postcode"
    point = coordinates(row)
    return (index.nearest(*point), "coordinates") if point else (None, "")


def _flag(row: Row, column: str, label: str) -> bool:
    labels = {part.strip().upper() for part in pick(row, "labels").split("|")}
    return pick(row, column).lower() in TRUE_WORDS or label in labels


def _address(row: Row) -> str:
    town = " ".join(p for p in (pick(row, *POSTCODE), pick(row, *CITY)) if p)
    return ", ".join(p for p in (pick(row, "address", "adresse"), town) if p)[:300]


class SiaeImporter:
    """One import run: keeps the report and the SIRETs already seen in this file."""

    def __init__(self, session: Session, report: ImportReport, source: str = SOURCE):
        self.session, self.report, self.source = session, report, source
        self.index = commune_index()
        self.seen: dict[str, int] = {}

    def handle(self, line: int, row: Row) -> Outcome:
        siret = self._siret(line, row)
        data = self._data(line, row, siret)
        organisation = find_by_siret(self.session, siret)
        if organisation is None:
            organisation = create_organisation(self.session, data)
            self._complete(organisation, row)
            self.session.flush()
            self._verify(organisation, data)
            return "created"
        own = organisation.source == self.source or organisation.source in STUB_SOURCES
        if not own or organisation.memberships:
            self.report.warn(line, "fiche gérée sur Essaim : non modifiée", siret)
            return "updated" if self._verify(organisation, data) else "unchanged"
        updated = self._update(organisation, data, row)
        return "updated" if self._verify(organisation, data) or updated else "unchanged"

    def _verify(self, organisation: Organisation, data: OrganisationData) -> bool:
        """The structure kind's status, verified by this official file (SIRET match)."""
        legal_form = (self.session.get(LegalForm, data.legal_form_code)
                      if data.legal_form_code else None)
        kinds = [kind for kind, flag in (("siae", legal_form and legal_form.is_siae),
                                         ("ea_esat", legal_form and legal_form.is_ea_esat))
                 if flag]
        return bool(verify_official(self.session, organisation, kinds,
                                    f"SIRET présent dans le fichier officiel ({self.source})."))

    def _siret(self, line: int, row: Row) -> str:
        if not pick(row, *NAME):
            raise RowSkipped("nom manquant")
        siret = normalise_siret(pick(row, *SIRET))
        if siret_error(siret):
            raise RowSkipped("SIRET invalide", siret or "vide")
        if siret in self.seen:
            raise RowSkipped("SIRET en double dans le fichier", f"déjà ligne {self.seen[siret]}")
        self.seen[siret] = line
        return siret

    def _data(self, line: int, row: Row, siret: str) -> OrganisationData:
        insee, how = locate(self.index, row)
        if insee is None:
            place = " ".join(p for p in (pick(row, *POSTCODE), pick(row, *CITY)) if p)
            raise RowSkipped("commune introuvable", place or "aucune adresse")
        if how == "coordinates":
            self.report.warn(line, "commune déduite des coordonnées", insee)
        code = legal_form_code(pick(row, *STRUCTURE_KIND), pick(row, *LEGAL_FORM))
        legal_form = self.session.get(LegalForm, code) if code else None
        return OrganisationData(
            kind=kind_for(legal_form.family if legal_form else None), name=pick(row, *NAME)[:200],
            siret=siret, commune_insee=insee, legal_form_code=code,
            description=pick(row, "description"), address=_address(row),
            capacities=activity_text(pick(row, *NAF), pick(row, "naf_label")),
            website=pick(row, "website", "site_web", "site")[:300],
            esus=_flag(row, "esus", "ESUS"), qpv=_flag(row, "qpv", "QPV"),
            filiere_ids=activity_filieres(pick(row, *NAF)),
        )

    def _complete(self, organisation: Organisation, row: Row) -> None:
        """What OrganisationData does not carry: NAF, source, exact coordinates."""
        organisation.naf_code = normalise_naf(pick(row, *NAF))
        organisation.source = self.source
        point = coordinates(row)
        if point:
            organisation.lat, organisation.lon = point

    def _update(self, organisation: Organisation, data: OrganisationData, row: Row) -> bool:
        before = snapshot(organisation)
        with self.session.no_autoflush:  # never write the halfway state (commune centroid)
            apply_data(self.session, organisation, data)
            self._complete(organisation, row)
        return snapshot(organisation) != before


def snapshot(organisation: Organisation) -> tuple:
    """Everything an import may change, to tell an update from a no-op."""
    columns = ("kind", "name", "description", "capacities", "address", "website", "esus", "qpv",
               "siae", "ea_esat", "lat", "lon", "naf_code", "source")
    return (tuple(getattr(organisation, name) for name in columns),
            organisation.legal_form.code if organisation.legal_form else None,
            organisation.commune.insee if organisation.commune else None,
            tuple(sorted(f.id for f in organisation.filieres)))
