"""A territory of real data: the inclusion employers (SIAE, GEIQ, EA) of Pays de la Loire and
the public contracts notified there in 2018-2019 (DECP), with their winners.

Loire-Atlantique (44) is where Nantes Métropole is; its four neighbours of the region give the
matching engine a realistic supply around it. Everything comes from data/ (DATA_SOURCES.md).
"""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from models.reference_data import DATA_DIR
from seed.importers.common import ImportReport, Row, pick
from seed.importers.decp import import_decp_records
from seed.importers.decp_records import DecpRecord, read_decp
from seed.importers.places import department_of_postcode
from seed.importers.siae import POSTCODE, import_siae_rows, read_siae

PAYS_DE_LA_LOIRE = ("44", "49", "53", "72", "85")
SIAE_FILE = Path("suppliers") / "siae_lemarche_fixture.csv"
DECP_FILE = Path("decp") / "decp_2018_2019_pays_de_la_loire.csv"
Progress = Callable[[int], None] | None


def in_territory(row: Row, departments: tuple[str, ...] = PAYS_DE_LA_LOIRE) -> bool:
    """By the row's département, else by its postcode."""
    department = pick(row, "department", "departement") or department_of_postcode(
        pick(row, *POSTCODE))
    return department in departments


def territory_siae(data_dir: Path = DATA_DIR,
                   departments: tuple[str, ...] = PAYS_DE_LA_LOIRE) -> list[tuple[int, Row]]:
    return [(line, row) for line, row in read_siae(data_dir / SIAE_FILE)
            if in_territory(row, departments)]


def territory_contracts(data_dir: Path = DATA_DIR) -> list[tuple[int, DecpRecord]]:
    """The DECP extract of Pays de la Loire (place of execution there, or a Nantes buyer)."""
    return read_decp(data_dir / DECP_FILE)


def load_real_territory(session: Session, siae_rows: list[tuple[int, Row]],
                        contracts: list[tuple[int, DecpRecord]],
                        siae_progress: Progress = None,
                        decp_progress: Progress = None) -> list[ImportReport]:
    """Suppliers first, so that contracts they won link to them by SIRET."""
    return [
        import_siae_rows(session, siae_rows, siae_progress,
                         title="SIAE des Pays de la Loire"),
        import_decp_records(session, contracts, decp_progress,
                            title="Marchés publics des Pays de la Loire (DECP 2018-2019)"),
    ]
