"""Browsing the directory: filter organisations and read one (public data only).

Keywords are matched the way the engine reads text (``matching.text.fold``): accents, case,
hyphens and punctuation do not count (« reemploi », « Réemploi » and « Ré-emploi » are one
word). Neither SQLite nor a stock PostgreSQL folds accents in SQL, so the folding runs in
Python over the candidates left by the other filters: each process keeps every
organisation's folded text keyed by its ``updated_at`` and re-folds only what changed. At
5,000 organisations a keyword query costs 30-45 ms warm, about 1 s for the first one after
start (measured on the shared 2-core machine under load, see docs/matching.md).
"""

import time
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, String, cast, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from werkzeug.exceptions import NotFound

from app.services.pagination import Page, paginate
from matching.text import keyword_key
from models import Commune, Filiere, LegalForm, Lever, Organisation

FLAG_COLUMNS = {
    "esus": Organisation.esus,
    "siae": Organisation.siae,
    "ea_esat": Organisation.ea_esat,
    "qpv": Organisation.qpv,
}
MAX_QUERY_LENGTH = 200
FOLDED_TEXTS_CACHED = 100_000
REFRESH_CHUNK = 500
REFERENCE_TTL_SECONDS = 300.0
# The stamp as stored (text): parsing 5,000 SQLite datetimes per request cost more than folding.
STAMP = cast(Organisation.updated_at, String)


@dataclass(frozen=True)
class OrganisationFilters:
    """Validated directory filters; None or empty means "no constraint"."""

    q: str = ""
    filiere: str | None = None
    commune: str | None = None
    legal_form: str | None = None
    kind: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferenceChoices:
    """Reference rows offered in the filter forms: read-only rows with the model's column
    names, shared by every request of the process."""

    filieres: tuple
    communes: tuple
    legal_forms: tuple
    levers: tuple


def _rows(session: Session, model: type, order: ColumnElement, *where) -> tuple:
    """Immutable column rows (attribute access like the model's): safe to share across
    threads and sessions, unlike ORM objects."""
    return tuple(session.execute(select(model.__table__).where(*where).order_by(order)))


def _load_reference_choices(session: Session) -> ReferenceChoices:
    return ReferenceChoices(
        filieres=_rows(session, Filiere, Filiere.position),
        communes=_rows(session, Commune, Commune.name, Commune.in_metropole),
        legal_forms=_rows(session, LegalForm, LegalForm.position),
        levers=_rows(session, Lever, Lever.position),
    )


class ReferenceCache:
    """Per-process copy of the reference data, per database: only the seed and the importers
    (CLI) change it, so a page reads it from memory; `ttl` bounds how stale it can get."""

    def __init__(self, ttl: float = REFERENCE_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[object, tuple[float, ReferenceChoices]] = {}

    def get(self, session: Session) -> ReferenceChoices:
        key, now = session.get_bind(), time.monotonic()
        loaded_at, choices = self._entries.get(key, (float("-inf"), None))
        if choices is None or now - loaded_at >= self.ttl:
            choices = _load_reference_choices(session)
            self._entries[key] = (now, choices)  # a race only loads the same rows twice
        return choices

    def clear(self) -> None:
        self._entries.clear()


REFERENCES = ReferenceCache()


def reference_choices(session: Session) -> ReferenceChoices:
    """Filières, the 24 communes of the metropole, legal forms and levers, in display order."""
    return REFERENCES.get(session)


def text_matches(q: str, *columns: InstrumentedAttribute) -> ColumnElement[bool]:
    """Case-insensitive substring match on any column; `%` and `_` typed by users are literal."""
    text = q.strip()[:MAX_QUERY_LENGTH]
    return or_(*(column.icontains(text, autoescape=True) for column in columns))


class FoldedTexts:
    """Per-process memo of each organisation's folded name and description, keyed by its
    ``updated_at``: a request reads only (id, stamp) pairs and folds what changed."""

    def __init__(self, max_size: int = FOLDED_TEXTS_CACHED) -> None:
        self.max_size = max_size
        self._texts: dict[int, tuple[str, str]] = {}

    def matching(self, session: Session, conditions: list[ColumnElement[bool]],
                 terms: list[str]) -> list[int]:
        """Ids of the candidates whose folded name or description holds every term."""
        stamps = session.execute(select(Organisation.id, STAMP).where(*conditions)).all()
        self._refresh(session, [i for i, stamp in stamps
                                if self._texts.get(i, (None,))[0] != stamp])
        return [i for i, _ in stamps
                if i in self._texts and all(term in self._texts[i][1] for term in terms)]

    def _refresh(self, session: Session, ids: list[int]) -> None:
        if len(self._texts) + len(ids) > self.max_size:
            self._texts.clear()
        for start in range(0, len(ids), REFRESH_CHUNK):
            chunk = ids[start:start + REFRESH_CHUNK]
            rows = session.execute(select(Organisation.id, STAMP.label("stamp"),
                                          Organisation.name, Organisation.description)
                                   .where(Organisation.id.in_(chunk)))
            for row in rows:
                self._texts[row.id] = (row.stamp,
                                       keyword_key(f"{row.name} {row.description or ''}"))


FOLDED = FoldedTexts()


def keyword_terms(q: str) -> list[str]:
    """The words of a keyword box, folded like the engine's text (empty words dropped)."""
    return [term for term in keyword_key(q[:MAX_QUERY_LENGTH]).split() if term]


def _conditions(filters: OrganisationFilters) -> list[ColumnElement[bool]]:
    candidates = [
        (filters.filiere, lambda: Organisation.filieres.any(Filiere.id == filters.filiere)),
        (filters.commune, lambda: Organisation.commune_insee == filters.commune),
        (filters.legal_form, lambda: Organisation.legal_form_code == filters.legal_form),
        (filters.kind, lambda: Organisation.kind == filters.kind),
    ]
    conditions = [make() for value, make in candidates if value]
    return conditions + [FLAG_COLUMNS[flag].is_(True) for flag in filters.flags]


def organisations_statement(session: Session, filters: OrganisationFilters) -> Select:
    """Organisations matching every filter, by name."""
    conditions = _conditions(filters)
    terms = keyword_terms(filters.q)
    if terms:
        conditions = [Organisation.id.in_(FOLDED.matching(session, conditions, terms))]
    return (select(Organisation).where(*conditions)
            .options(selectinload(Organisation.filieres))
            .order_by(Organisation.name, Organisation.id))


def search_organisations(session: Session, filters: OrganisationFilters,
                         number: int, size: int) -> Page:
    """One page of the directory."""
    return paginate(session, organisations_statement(session, filters), number, size)


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """The organisation, or a 404 when the id is unknown."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation
