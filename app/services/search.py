"""The one search box: hybrid semantic search (matching/) over organisations or postings,
then the exact filters of the database (on ids only), then pagination: only the shown page's
rows are loaded, with their filières."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, selectinload

from app.services.matching import search_organisations, search_postings
from app.services.matching_profiles import parse_key
from app.services.pagination import Page
from app.services.postings import open_on
from matching.types import SearchFilters
from models import Organisation, Posting

SEARCH_DEPTH = 200  # hits fetched from the engine before the database filters
# The dense retriever ranks every document, so the tail is noise: keep hits scoring at least
# this share of the best one.
RELATIVE_CUTOFF = 0.5


@dataclass
class SearchQuery:
    text: str = ""
    scope: str = "organisations"  # organisations | annonces
    filieres: list[str] = field(default_factory=list)
    commune: str = ""  # INSEE code
    legal_form: str = ""
    flags: list[str] = field(default_factory=list)  # esus, siae, ea_esat, qpv
    posting_type: str = ""
    direction: str = ""
    status: str = "open"  # open | closed | all
    page: int = 1


@dataclass
class Hit:
    row: Organisation | Posting
    explanation: str
    score: float


def _engine_filters(query: SearchQuery) -> SearchFilters:
    flags = set(query.flags)
    return SearchFilters(filieres=frozenset(query.filieres), siae="siae" in flags,
                         ea_esat="ea_esat" in flags, esus="esus" in flags)


def _organisation_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    return [condition for wanted, condition in (
        (query.commune, Organisation.commune_insee == query.commune),
        (query.legal_form, Organisation.legal_form_code == query.legal_form),
        ("qpv" in query.flags, Organisation.qpv.is_(True)),
    ) if wanted]


def _posting_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    status = {"open": and_(Posting.status == "published", open_on(date.today())),
              "closed": Posting.status == "closed"}.get(query.status)
    return [condition for wanted, condition in (
        (status is not None, status),
        (query.commune, Posting.commune_insee == query.commune),
        (query.posting_type, Posting.type == query.posting_type),
        (query.direction, Posting.direction == query.direction),
    ) if wanted]


def run_search(session: Session, query: SearchQuery, page_size: int) -> Page:
    """Ranked hits of one page; an empty text gives an empty page (the form says what to do)."""
    if not query.text.strip():
        return Page([], 1, page_size, 0)
    searching_orgs = query.scope == "organisations"
    search = search_organisations if searching_orgs else search_postings
    suggestions = search(session, query.text, _engine_filters(query), SEARCH_DEPTH)
    best = max((s.score for s in suggestions), default=0.0)
    suggestions = [s for s in suggestions if s.score >= RELATIVE_CUTOFF * best]
    model, conditions = ((Organisation, _organisation_conditions(query)) if searching_orgs
                         else (Posting, _posting_conditions(query)))
    wanted = [(parse_key(s.id)[1], s) for s in suggestions
              if parse_key(s.id)[0] in ("org", "post")]
    kept = set(session.scalars(select(model.id).where(
        model.id.in_([i for i, _ in wanted]), *conditions)))
    ranked = [(i, s) for i, s in wanted if i in kept]
    number = max(1, query.page)
    shown = ranked[(number - 1) * page_size:number * page_size]
    rows = {r.id: r for r in session.scalars(select(model).where(
        model.id.in_([i for i, _ in shown])).options(selectinload(model.filieres)))}
    hits = [Hit(rows[i], s.explanation, s.score) for i, s in shown if i in rows]
    return Page(hits, number, page_size, len(ranked))
