"""The marketplace's matching use cases: keep the engine in step with the database, store
explained suggestions as Match rows, and let both sides act on them.

One `MatchingEngine` per process holds a `matching.Matcher`. Before each use it syncs with the
database (the source of truth) by comparing `updated_at` stamps, so edits made by another
process are picked up and only changed profiles are re-encoded (incremental index updates).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.services.matching_profiles import (
    need_from_posting,
    offer_key,
    org_key,
    parse_key,
    posting_key,
    profile_for_search,
    profile_from_offer,
    profile_from_organisation,
)
from matching.api import Matcher
from models import Match, Organisation, Posting

SUGGESTIONS_K = 10
STORED_K = 20  # suggestions kept per need (what suppliers see among their opportunities)
REFERENCE_SOURCES = ("decp",)  # imported past contracts: not searchable postings


class MatchingEngine:
    """A process-wide matcher over one kind of rows, synced lazily with the database.

    `stamps_of(session)` gives {profile id: updated_at} of what should be indexed;
    `profiles_of(session, ids)` loads the changed ones as `matching.Profile`s.
    """

    def __init__(self, stamps_of, profiles_of) -> None:
        self.stamps_of, self.profiles_of = stamps_of, profiles_of
        self.matcher: Matcher | None = None
        self.stamps: dict[str, datetime] = {}
        self.lock = threading.RLock()

    def reset(self) -> None:
        with self.lock:
            self.matcher, self.stamps = None, {}

    @contextmanager
    def using(self, session: Session) -> Iterator[Matcher]:
        """The synced matcher, held under the lock: a request, the background worker and the
        sync never touch the shared index at the same time (a ranking takes ~25 ms)."""
        with self.lock:
            yield self.ready(session)

    def ready(self, session: Session) -> Matcher:
        """The matcher, after applying what changed in the database since the last call."""
        with self.lock:
            if self.matcher is None:
                self.matcher = Matcher()
            current = self.stamps_of(session)
            changed = [key for key, stamp in current.items() if self.stamps.get(key) != stamp]
            gone = [key for key in self.stamps if key not in current]
            if gone:
                self.matcher.remove(gone)
            if changed:
                self.matcher.upsert(self.profiles_of(session, changed))
            self.stamps = current
            return self.matcher


def _open_postings(direction: str | None = None):
    statement = select(Posting.id, Posting.updated_at).where(
        Posting.status == "published",
        or_(Posting.deadline.is_(None), Posting.deadline >= date.today()))
    return statement.where(Posting.direction == direction) if direction else statement


def _supplier_stamps(session: Session) -> dict[str, datetime]:
    """Every organisation and every open offer (closed or expired ones leave the index)."""
    stamps = {org_key(i): stamp for i, stamp in session.execute(
        select(Organisation.id, Organisation.updated_at))}
    stamps.update((offer_key(i), s) for i, s in session.execute(_open_postings("offer")))
    return stamps


def _load_supplier_profiles(session: Session, keys: list[str]) -> list:
    ids = {"org": [], "offer": []}
    for key in keys:
        kind, number = parse_key(key)
        ids[kind].append(number)
    organisations = session.scalars(select(Organisation).where(Organisation.id.in_(ids["org"]))
                                    .options(selectinload(Organisation.filieres)))
    offers = session.scalars(select(Posting).where(Posting.id.in_(ids["offer"]))
                             .options(selectinload(Posting.filieres)))
    return ([profile_from_organisation(o) for o in organisations]
            + [profile_from_offer(p) for p in offers])


def _posting_stamps(session: Session) -> dict[str, datetime]:
    """Every posting but drafts (the search filters on status afterwards), and but the past
    contracts imported from open data: they are references on organisation pages, and the
    national DECP file alone would be 10,000 texts to encode."""
    statement = select(Posting.id, Posting.updated_at).where(
        Posting.status != "draft", Posting.source.not_in(REFERENCE_SOURCES))
    return {posting_key(i): stamp for i, stamp in session.execute(statement)}


def _load_posting_profiles(session: Session, keys: list[str]) -> list:
    ids = [parse_key(key)[1] for key in keys]
    postings = session.scalars(select(Posting).where(Posting.id.in_(ids))
                               .options(selectinload(Posting.filieres)))
    return [profile_for_search(p) for p in postings]


ENGINE = MatchingEngine(_supplier_stamps, _load_supplier_profiles)
POSTINGS_ENGINE = MatchingEngine(_posting_stamps, _load_posting_profiles)


def rank_need(session: Session, posting: Posting, k: int = STORED_K):
    """Explained suggestions for a need, straight from the engine (nothing stored)."""
    need = need_from_posting(posting)
    with ENGINE.using(session) as matcher:
        if posting.type == "partnership":
            return matcher.suggest_partners(need, k)
        return matcher.suggest_suppliers(need, k)


def refresh_matches(session: Session, posting: Posting, k: int = STORED_K) -> list[Match]:
    """Recompute and store a need's suggestions; dismissed ones never come back."""
    existing = {_target_key(m): m for m in _matches_of(session, posting.id)}
    dismissed = {key for key, m in existing.items() if m.dismissed}
    suggestions = [s for s in rank_need(session, posting, k + len(dismissed))
                   if s.id not in dismissed][:k]
    for suggestion in suggestions:
        match = existing.get(suggestion.id) or _new_match(session, posting, suggestion.id)
        match.score = suggestion.score
        match.components = suggestion.components
        match.explanation = suggestion.explanation
    _flush_tolerating_races(session)
    return visible_matches(session, posting)


def _new_match(session: Session, posting: Posting, key: str) -> Match:
    kind, target_id = parse_key(key)
    match = Match(need=posting, status="proposed", dismissed=False,
                  **({"organisation_id": target_id} if kind == "org" else {"offer_id": target_id}))
    session.add(match)
    return match


def _flush_tolerating_races(session: Session) -> None:
    """Two requests may store the same suggestion at once: the second one simply loses."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def _target_key(match: Match) -> str:
    return org_key(match.organisation_id) if match.organisation_id else offer_key(match.offer_id)


def _matches_of(session: Session, need_id: int) -> list[Match]:
    return list(session.scalars(select(Match).where(Match.need_id == need_id)))


def visible_matches(session: Session, posting: Posting) -> list[Match]:
    """A need's stored suggestions, best first, without the dismissed ones."""
    return list(session.scalars(
        select(Match).where(Match.need_id == posting.id, Match.dismissed.is_(False))
        .order_by(Match.score.desc(), Match.id)))


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


def refresh_all_open_needs(session: Session) -> int:
    """Recompute every open need's suggestions (after a new organisation or offer appears)."""
    needs = session.scalars(select(Posting).where(
        Posting.direction == "need", Posting.status == "published"))
    count = 0
    for posting in needs:
        if posting.is_open:
            refresh_matches(session, posting)
            count += 1
    return count


def search_organisations(session: Session, text: str, filters, k: int) -> list:
    """Hybrid semantic search over organisations (and offers): [(profile id, Suggestion)]."""
    with ENGINE.using(session) as matcher:
        return matcher.search(text, filters, k)


def search_postings(session: Session, text: str, filters, k: int) -> list:
    """Hybrid semantic search over published needs and offers."""
    with POSTINGS_ENGINE.using(session) as matcher:
        return matcher.search(text, filters, k)


def partners_for(session: Session, organisation: Organisation, k: int = 6) -> list:
    """Complementary organisations (value-chain neighbours, not look-alikes), explained."""
    with ENGINE.using(session) as matcher:
        profile = matcher.profiles.get(org_key(organisation.id))
        suggestions = matcher.suggest_partners(profile, k * 2) if profile else []
    return [s for s in suggestions if s.id.startswith("org:")][:k]
