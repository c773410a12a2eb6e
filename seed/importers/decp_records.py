"""Read DECP (données essentielles de la commande publique) into one plain record type, from
the flattened CSV (data/decp/*.csv) or the official JSON format (`{"marches": [...]}`).

Fields are found by name; a record keeps the raw strings and the importer validates them, so
that every problem is reported with the record's line (CSV) or position (JSON).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from seed.importers.common import (
    ImportFileError,
    Row,
    numbered,
    pick,
    read_csv_rows,
    require_columns,
)

TEST_CPV = {"22222222", "12345678"}


@dataclass(frozen=True)
class Holder:
    identifier: str
    id_type: str
    name: str


@dataclass(frozen=True)
class DecpRecord:
    id: str
    buyer_siret: str
    buyer_name: str
    objet: str
    cpv: str
    uid: str = ""
    nature: str = ""
    procedure: str = ""
    lieu_code: str = ""
    lieu_type: str = ""
    lieu_nom: str = ""
    department_guess: str = ""
    duree_mois: str = ""
    date_notification: str = ""
    date_publication: str = ""
    montant: str = ""
    holders: tuple[Holder, ...] = field(default_factory=tuple)
    flagged_test: bool = False

    @property
    def looks_like_test(self) -> bool:
        return self.flagged_test or self.cpv.split("-")[0] in TEST_CPV


def read_decp(path: Path) -> list[tuple[int, DecpRecord]]:
    """Records of a DECP file, CSV or JSON by extension."""
    if Path(path).suffix.lower() == ".json":
        return read_decp_json(path)
    return read_decp_csv(path)


def read_decp_csv(path: Path) -> list[tuple[int, DecpRecord]]:
    rows = read_csv_rows(path)
    require_columns(rows, ("id",), ("objet",), ("acheteur_siret", "acheteur_id"))
    return [(line, record_from_row(row)) for line, row in rows]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|")] if value else []


def _holders_from_row(row: Row) -> tuple[Holder, ...]:
    ids, types = _split(pick(row, "titulaires_siret", "titulaires_id")), _split(
        pick(row, "titulaires_type_id"))
    names = _split(pick(row, "titulaires_nom", "titulaires_denomination"))
    return tuple(Holder(_at(ids, i), _at(types, i), _at(names, i))
                 for i in range(max(len(ids), len(names))))


def _at(values: list[str], index: int) -> str:
    return values[index] if index < len(values) else ""


def record_from_row(row: Row) -> DecpRecord:
    return DecpRecord(
        id=pick(row, "id"), uid=pick(row, "uid"),
        buyer_siret=pick(row, "acheteur_siret", "acheteur_id"),
        buyer_name=pick(row, "acheteur_nom"), objet=pick(row, "objet"),
        cpv=pick(row, "code_cpv", "codecpv", "cpv8", "cpv"), nature=pick(row, "nature"),
        procedure=pick(row, "procedure"), lieu_code=pick(row, "lieu_code"),
        lieu_type=pick(row, "lieu_type_code"), lieu_nom=pick(row, "lieu_nom"),
        department_guess=pick(row, "lieu_departement_guess"),
        duree_mois=pick(row, "duree_mois"), date_notification=pick(row, "date_notification"),
        date_publication=pick(row, "date_publication"), montant=pick(row, "montant"),
        holders=_holders_from_row(row), flagged_test=pick(row, "looks_like_test") == "1",
    )


def read_decp_json(path: Path) -> list[tuple[int, DecpRecord]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(f"Fichier JSON illisible : {error}") from error
    return [(position, record_from_json(item)) for position, item in numbered(_marches(document))
            if isinstance(item, dict)]


def _marches(document) -> list:
    """The list of contracts: `{"marches": [...]}`, `{"marches": {"marche": [...]}}` or `[...]`."""
    marches = document.get("marches", []) if isinstance(document, dict) else document
    if isinstance(marches, dict):
        marches = marches.get("marche", [])
    if not isinstance(marches, list):
        raise ImportFileError("Format DECP inattendu : la clé « marches » doit être une liste.")
    return marches


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _holders_from_json(items) -> tuple[Holder, ...]:
    holders = []
    for item in items or []:
        item = item.get("titulaire", item) if isinstance(item, dict) else {}
        holders.append(Holder(_text(item.get("id")), _text(item.get("typeIdentifiant")),
                              _text(item.get("denominationSociale"))))
    return tuple(holders)


def record_from_json(item: dict) -> DecpRecord:
    """A contract (`Marché`) or a concession (`autoriteConcedante`, `concessionnaires`)."""
    buyer = item.get("acheteur") or item.get("autoriteConcedante") or {}
    place = item.get("lieuExecution") or {}
    return DecpRecord(
        id=_text(item.get("id")), uid=_text(item.get("uid")), buyer_siret=_text(buyer.get("id")),
        buyer_name=_text(buyer.get("nom")), objet=" ".join(_text(item.get("objet")).split()),
        cpv=_text(item.get("codeCPV")), nature=_text(item.get("nature")),
        procedure=_text(item.get("procedure")), lieu_code=_text(place.get("code")),
        lieu_type=_text(place.get("typeCode")), lieu_nom=_text(place.get("nom")),
        duree_mois=_text(item.get("dureeMois")),
        date_notification=_text(item.get("dateNotification") or item.get("dateSignature")),
        date_publication=_text(item.get("datePublicationDonnees")),
        montant=_text(item.get("montant") or item.get("valeurGlobale")),
        holders=_holders_from_json(item.get("titulaires") or item.get("concessionnaires")),
    )
