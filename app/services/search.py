"""The one search box: hybrid semantic search (matching/) over organisations or postings,
then the exact filters of the database, then pagination."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.matching import search_organisations, search_postings
from app.services.matching_profiles import parse_key
from app.services.pagination import Page
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


def _keep_organisation(org: Organisation, query: SearchQuery) -> bool:
    return ((not query.commune or org.commune_insee == query.commune)
            and (not query.legal_form or org.legal_form_code == query.legal_form)
            and ("qpv" not in query.flags or org.qpv))


def _keep_posting(posting: Posting, query: SearchQuery) -> bool:
    status_ok = {"open": posting.is_open, "closed": posting.status == "closed"}.get(
        query.status, True)
    return (status_ok
            and (not query.commune or posting.commune_insee == query.commune)
            and (not query.posting_type or posting.type == query.posting_type)
            and (not query.direction or posting.direction == query.direction))


def run_search(session: Session, query: SearchQuery, page_size: int) -> Page:
    """Ranked hits of one page; an empty text gives an empty page (the form says what to do)."""
    if not query.text.strip():
        return Page([], 1, page_size, 0)
    searching_orgs = query.scope == "organisations"
    search = search_organisations if searching_orgs else search_postings
    suggestions = search(session, query.text, _engine_filters(query), SEARCH_DEPTH)
    best = max((s.score for s in suggestions), default=0.0)
    suggestions = [s for s in suggestions if s.score >= RELATIVE_CUTOFF * best]
    model, keep = (Organisation, _keep_organisation) if searching_orgs else (Posting, _keep_posting)
    wanted = [(parse_key(s.id)[1], s) for s in suggestions
              if parse_key(s.id)[0] in ("org", "post")]
    rows = {r.id: r for r in session.scalars(
        select(model).where(model.id.in_([i for i, _ in wanted])))}
    hits = [Hit(rows[i], s.explanation, s.score) for i, s in wanted
            if i in rows and keep(rows[i], query)]
    start = (max(1, query.page) - 1) * page_size
    return Page(hits[start:start + page_size], max(1, query.page), page_size, len(hits))
