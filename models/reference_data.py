"""Load the reference data shipped under data/ (see data/DATA_SOURCES.md) into the database.

Idempotent: rows already present (by primary key) are left as they are.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from models.base import Base
from models.reference import Commune, CpvCode, Filiere, LegalForm, Lever

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAINT_PREFIXES = {"ST": "Saint", "STE": "Sainte"}
ARTICLES = {"LE", "LA", "LES", "L"}
CONNECTORS = {"SUR", "SOUS", "EN", "DE", "DU", "DES", "LA", "LE", "LES", "ET", "AUX", "AU",
              "L", "D"}


def read_csv(name: str, data_dir: Path = DATA_DIR) -> Iterator[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def display_name(laposte_name: str) -> str:
    """Best-effort readable name from La Poste's uppercase, unaccented form ("ST HERBLAIN")."""
    words = laposte_name.split()
    article = words.pop(0).capitalize() if len(words) > 1 and words[0] in ARTICLES else None
    named = [
        word.lower() if index and word in CONNECTORS
        else SAINT_PREFIXES.get(word, word.capitalize())
        for index, word in enumerate(words)
    ]
    name = "-".join(named)
    if article == "L":
        return f"L'{name}"
    return f"{article} {name}" if article else name


def _float(value: str) -> float | None:
    return float(value) if value else None


def commune_rows(data_dir: Path = DATA_DIR) -> list[dict]:
    metropole = {row["code_insee"]: row
                 for row in read_csv("nantes_metropole_communes.csv", data_dir)}
    rows = []
    for row in read_csv("communes_france_laposte2020.csv", data_dir):
        official = metropole.get(row["code_insee"])
        rows.append({
            "insee": row["code_insee"],
            "name": official["nom"] if official else display_name(row["nom_laposte"]),
            "department": row["departement"],
            "postcodes": row["codes_postaux"],
            "lat": _float(row["lat"]),
            "lon": _float(row["lon"]),
            "in_metropole": official is not None,
        })
    return rows


def _positioned(rows: Iterator[dict[str, str]]) -> list[dict]:
    return [dict(row, position=index) for index, row in enumerate(rows)]


def legal_form_rows(data_dir: Path = DATA_DIR) -> list[dict]:
    return [
        dict(row, is_siae=row["is_siae"] == "1", is_ea_esat=row["is_ea_esat"] == "1")
        for row in _positioned(read_csv("legal_forms.csv", data_dir))
    ]


def cpv_rows(data_dir: Path = DATA_DIR) -> list[dict]:
    return [
        {"code": row["code"], "label": row["label_fr"], "division": row["division"],
         "parent_code": row["parent_code"] or None}
        for row in read_csv("cpv2008_fr_en.csv", data_dir)
    ]


LOADERS = (
    (Filiere, lambda d: _positioned(read_csv("filieres.csv", d))),
    (Lever, lambda d: _positioned(read_csv("levers.csv", d))),
    (LegalForm, legal_form_rows),
    (Commune, commune_rows),
    (CpvCode, cpv_rows),
)


def load_reference_data(session: Session, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Insert missing reference rows; returns how many rows each table gained."""
    added = {}
    for model, rows_of in LOADERS:
        key = model.__mapper__.primary_key[0]
        existing = set(session.scalars(select(key)))
        rows = [row for row in rows_of(data_dir) if row[key.name] not in existing]
        if rows:
            session.execute(insert(model), rows)
        added[model.__tablename__] = len(rows)
    session.commit()
    return added


def reference_counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model, _ in LOADERS
    }


def reference_tables() -> set[str]:
    return {model.__tablename__ for model, _ in LOADERS}


def empty_user_tables(engine: Engine) -> None:
    """Delete every row that is not reference data (tests and resets)."""
    keep = reference_tables()
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keep:
                connection.execute(delete(table))
