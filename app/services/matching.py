"""The marketplace's matching use cases: what each index holds, stored explained suggestions
(Match rows) for needs, and the searches and partner lists read straight from the index.

Suggestions are computed by the job queue after a change is committed (`reactions`), never by
a page view: a need's page reads its stored Match rows.
"""

from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.infra import vectors
from app.infra.index_holder import Indexes, IndexHolder, current_index
from app.services.matching_profiles import (
    award_references,
    need_from_posting,
    offer_key,
    org_key,
    parse_key,
    posting_key,
    profile_for_search,
    profile_from_offer,
    profile_from_organisation,
)
from matching.api import query_text
from matching.types import PARTNER_NEEDS
from models import Match, Organisation, Posting

SUGGESTIONS_K = 10
STORED_K = 20  # suggestions kept per need (what suppliers see among their opportunities)
REFERENCE_SOURCES = ("decp",)  # imported past contracts: not searchable postings


# -- what the indexes hold ----------------------------------------------------------------
def _open_offers():
    return select(Posting).where(
        Posting.direction == "offer", Posting.status == "published",
        or_(Posting.deadline.is_(None), Posting.deadline >= date.today())
    ).options(selectinload(Posting.filieres))


def all_suppliers(session: Session) -> list:
    """Every organisation and every open offer (closed or expired ones are not indexed)."""
    organisations = list(session.scalars(select(Organisation)
                                         .options(selectinload(Organisation.filieres))))
    refs = award_references(session, organisations, everything=True)
    return ([profile_from_organisation(o, refs.get(o.id, ())) for o in organisations]
            + [profile_from_offer(p) for p in session.scalars(_open_offers())])


def load_suppliers(session: Session, keys: set[str]) -> tuple[list, set[str]]:
    """Re-derive what changed: an organisation with its offers (they carry its flags)."""
    ids = _ids_by_kind(keys)
    organisations = list(session.scalars(select(Organisation).where(
        Organisation.id.in_(ids["org"])).options(selectinload(Organisation.filieres))))
    offers = list(session.scalars(_open_offers().where(or_(
        Posting.id.in_(ids["posting"]), Posting.organisation_id.in_(ids["org"])))))
    refs = award_references(session, organisations)
    keep = [profile_from_organisation(o, refs.get(o.id, ())) for o in organisations] + [
        profile_from_offer(p) for p in offers]
    kept = {p.id for p in keep}
    gone = {org_key(i) for i in ids["org"]} | {offer_key(i) for i in ids["posting"]}
    return keep, gone - kept


def _searchable_postings():
    return select(Posting).where(
        Posting.status != "draft", Posting.source.not_in(REFERENCE_SOURCES)
    ).options(selectinload(Posting.filieres))


def all_postings(session: Session) -> list:
    """Every posting but drafts and imported past contracts (references, not listings)."""
    return [profile_for_search(p) for p in session.scalars(_searchable_postings())]


def load_postings(session: Session, keys: set[str]) -> tuple[list, set[str]]:
    ids = _ids_by_kind(keys)["posting"]
    keep = [profile_for_search(p) for p in session.scalars(
        _searchable_postings().where(Posting.id.in_(ids)))]
    return keep, {posting_key(i) for i in ids} - {p.id for p in keep}


def _ids_by_kind(keys: set[str]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {"org": [], "posting": []}
    for key in keys:
        kind, number = parse_key(key)
        ids.setdefault(kind, []).append(number)
    return ids


def build_indexes(encoder_factory, check_interval: float,
                  ranker_file: str | None = None) -> Indexes:
    return Indexes(
        IndexHolder("suppliers", all_suppliers, load_suppliers, encoder_factory, check_interval,
                    ranker_file),
        IndexHolder("postings", all_postings, load_postings, encoder_factory, check_interval,
                    ranker_file),
    )


# -- stored suggestions -----------------------------------------------------------------
def rank_need(session: Session, posting: Posting, k: int = STORED_K, store: bool = False):
    """Explained suggestions for a need, straight from the engine (nothing stored)."""
    need = need_from_posting(posting)
    with current_index().suppliers.using(session) as matcher:
        text = query_text(need, need.type in PARTNER_NEEDS)
        vector = vectors.query(session, matcher.encoder, text, store)
        if posting.type == "partnership":
            return matcher.suggest_partners(need, k, query_vector=vector)
        return matcher.suggest_suppliers(need, k, query_vector=vector)


def refresh_matches(session: Session, posting: Posting, k: int = STORED_K) -> list[Match]:
    """Recompute and store a need's suggestions (a job); dismissed ones never come back."""
    existing = {_target_key(m): m for m in _matches_of(session, posting.id)}
    dismissed = {key for key, m in existing.items() if m.dismissed}
    suggestions = [s for s in rank_need(session, posting, k + len(dismissed), store=True)
                   if s.id not in dismissed][:k]
    for suggestion in suggestions:
        match = existing.get(suggestion.id) or _new_match(session, posting, suggestion.id)
        match.score = suggestion.score
        match.components = suggestion.components
        match.explanation = suggestion.explanation
    posting.matched_at = datetime.now(UTC)
    session.flush()
    return visible_matches(session, posting)


def _new_match(session: Session, posting: Posting, key: str) -> Match:
    """A new Match row, inserted in a savepoint: if another job stored it first, use theirs."""
    kind, target_id = parse_key(key)
    target = {"organisation_id": target_id} if kind == "org" else {"offer_id": target_id}
    try:
        with session.begin_nested():
            match = Match(need=posting, status="proposed", dismissed=False, **target)
            session.add(match)
    except IntegrityError:
        match = session.scalar(select(Match).filter_by(need_id=posting.id, **target))
    return match


def _target_key(match: Match) -> str:
    return org_key(match.organisation_id) if match.organisation_id else offer_key(match.offer_id)


def _matches_of(session: Session, need_id: int) -> list[Match]:
    return list(session.scalars(select(Match).where(Match.need_id == need_id)))


def visible_matches(session: Session, posting: Posting) -> list[Match]:
    """A need's stored suggestions, best first, without the dismissed ones."""
    return list(session.scalars(
        select(Match).where(Match.need_id == posting.id, Match.dismissed.is_(False))
        .options(selectinload(Match.organisation), selectinload(Match.offer))  # no N+1
        .order_by(Match.score.desc(), Match.id)))


def ranking_pending(posting: Posting) -> bool:
    """True while the job queue has not ranked the need's current version yet."""
    if posting.matched_at is None:
        return True
    changed = posting.published_at or posting.created_at
    return changed is not None and _aware(posting.matched_at) < _aware(changed)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def opportunities_for(session: Session, organisation: Organisation) -> list[Match]:
    """Open needs for which this organisation (or one of its offers) was suggested."""
    own_offers = select(Posting.id).where(Posting.organisation_id == organisation.id)
    statement = (
        select(Match).join(Match.need)
        .where(or_(Match.organisation_id == organisation.id, Match.offer_id.in_(own_offers)))
        .where(Match.dismissed.is_(False), Match.status != "declined",
               Posting.status == "published")
        .order_by(Match.score.desc(), Match.id)
    )
    return [m for m in session.scalars(statement) if m.need.is_open]


def open_needs(session: Session) -> list[Posting]:
    needs = session.scalars(select(Posting).where(
        Posting.direction == "need", Posting.status == "published").order_by(Posting.id))
    return [posting for posting in needs if posting.is_open]


def refresh_all_open_needs(session: Session) -> int:
    """Recompute every open need's suggestions (after suppliers changed)."""
    needs = open_needs(session)
    for posting in needs:
        refresh_matches(session, posting)
    return len(needs)


# -- read straight from the index ---------------------------------------------------------
def search_organisations(session: Session, text: str, filters, k: int) -> list:
    """Hybrid semantic search over organisations (and offers)."""
    with current_index().suppliers.using(session) as matcher:
        return matcher.search(text, filters, k)


def search_postings(session: Session, text: str, filters, k: int) -> list:
    """Hybrid semantic search over published needs and offers."""
    with current_index().postings.using(session) as matcher:
        return matcher.search(text, filters, k)


def partners_for(session: Session, organisation: Organisation, k: int = 6) -> list:
    """Complementary organisations (value-chain neighbours, not look-alikes), explained."""
    with current_index().suppliers.using(session) as matcher:
        profile = matcher.profiles.get(org_key(organisation.id))
        suggestions = matcher.suggest_partners(profile, k * 2) if profile else []
    return [s for s in suggestions if s.id.startswith("org:")][:k]
