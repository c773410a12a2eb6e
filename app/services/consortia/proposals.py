"""Groupement proposals for a tender: per-lot fits from the matcher, then the consortium solver.

Fit mapping (matcher score → fit in 0..1). For each lot the matcher ranks suppliers against
the lot's title and description (the tender's when lots only split it by place), with the
tender's filières and place. Its score is the fused text relevance (0..1: BM25 / best BM25 and
cosine / best cosine, averaged) plus the structured bonuses (same filière +0.15, proximity
≤ 0.05, ESS +0.05, outside the metropole −0.15). The fit is that score rescaled linearly:

    fit = clamp((score − SCORE_FLOOR) / (SCORE_FULL − SCORE_FLOOR), 0, 1)

SCORE_FULL = 1.2 is « first in both retrievers, same filière, nearby »; SCORE_FLOOR = 0.55 is
what an organisation found by meaning alone scores (half the fused relevance, no word in
common). With the solver's threshold (0.35) an organisation covers a lot from a score of 0.78;
below 0.875 (fit 0.5) the explanation calls the fit weak. On the demo, organisations of the
lot's trade score 0.95–1.25 (fit 0.6–1), unrelated ones 0.55–0.75 (fit ≤ 0.3).

The département-level signals of a learned ranker (``NOT_TRADE``: based in, or contracts
already executed in, the département of execution) are left out of the fit: they are the same
for every organisation of the metropolis, say nothing of its trade, and would lift every fit
by the same amount; the solver weighs the distances itself.

The relevance is re-normalised against the best BM25 and cosine over *all* suppliers (query
without the reservation): a reserved lot is ranked among its eligible organisations only, and
its lone SIAE would otherwise be « the best » and get fit 1 whatever it does. When no supplier
shares a word with the lot, the BM25 half counts 0. Eligibility stays the solver's hard rule.
Offers count for the organisation that publishes them (best of both); only ESS organisations
and companies may join (no buyers, no networks).
"""

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.infra.index_holder import current_index
from app.services.matching_profiles import need_from_posting, parse_key
from matching.api import Matcher
from matching.consortia import (
    CHAIN_TEMPLATES,
    Candidate,
    ChainTemplate,
    ConsortiumOptions,
    ConsortiumResult,
    Lot,
    Proposal,
    Tender,
    build_chain,
    build_consortia,
    chain_tender,
)
from matching.types import Need, Suggestion
from models import NetworkMember, Organisation, Posting

SCORE_FLOOR, SCORE_FULL = 0.55, 1.2
NOT_TRADE = ("same_departement", "worked_in_departement")
PER_LOT_K = 25  # suggestions read per lot (the solver keeps its own top 12)
MEMBER_KINDS = frozenset({"ess", "company"})
TIME_LIMIT_S = 2.0  # the web answers within ~2 s whatever happens (exact solver usually < 0.3 s)
CACHE_TTL_S = 300.0
RESERVATIONS = ("siae", "ea_esat")


@dataclass(frozen=True)
class ProposalSet:
    """What the proposals page shows: the tender as solved, the answer, and its organisations."""

    posting: Posting
    tender: Tender
    result: ConsortiumResult
    organisations: dict[int, Organisation]
    chain: ChainTemplate | None = None
    network: str | None = None

    def organisation(self, candidate_id: str) -> Organisation | None:
        """None if it was deleted since the answer was cached."""
        return self.organisations.get(int(candidate_id))

    def lot_label(self, lot_id: str) -> str:
        index = next(i for i, lot in enumerate(self.tender.lots) if lot.id == lot_id)
        return f"{self.tender.unit.capitalize()} {index + 1} : {self.tender.lots[index].label}"

    def uncovered_labels(self) -> list[str]:
        return [self.lot_label(lot_id) for lot_id in self.result.uncovered_lots]


def trade_score(suggestion: Suggestion, weights: Mapping[str, float]) -> float:
    """The matcher's score without the contributions of ``NOT_TRADE`` (see the docstring)."""
    return suggestion.score - sum(weights.get(name, 0.0) * suggestion.components.get(name, 0.0)
                                  for name in NOT_TRADE)


def fit_from_score(score: float) -> float:
    """The documented linear rescaling of a matcher score into a 0..1 fit."""
    return round(min(1.0, max(0.0, (score - SCORE_FLOOR) / (SCORE_FULL - SCORE_FLOOR))), 3)


def _best(suggestions: list[Suggestion], signal: str) -> float | None:
    values = [s.components[signal] for s in suggestions if signal in s.components]
    return max(values) if values else None


def lot_fits(hits: list[Suggestion], reference: list[Suggestion],
             weights: Mapping[str, float]) -> dict[str, float]:
    """{profile id: fit} for one lot; `reference` is the same query over all suppliers,
    `weights` the ranker's that scored them."""
    best = {signal: _best(reference, signal) for signal in ("sparse", "dense")}
    fits = {}
    for s in hits:
        parts = [min(1.0, s.components.get(signal, 0.0) / top) if top else 0.0
                 for signal, top in best.items()]
        relevance = sum(parts) / len(parts)  # the matcher's, re-normalised over every supplier
        fits[s.id] = fit_from_score(trade_score(s, weights) - s.relevance + relevance)
    return fits


def lot_suggestions(matcher: Matcher, need: Need) -> dict[str, float]:
    """Fits of one lot's suggestions, normalised over every supplier (see the docstring)."""
    reference = matcher.suggest_suppliers(replace(need, reserved=None), PER_LOT_K)
    hits = matcher.suggest_suppliers(need, PER_LOT_K) if need.reserved else reference
    return lot_fits(hits, reference, matcher.ranker.weights)


def _reservation(value: str | None) -> str | None:
    return value if value in RESERVATIONS else None


def tender_of(posting: Posting) -> Tender:
    lots = tuple(Lot(str(lot.number), lot.title, _reservation(lot.reserved))
                 for lot in posting.lots)
    return Tender(lots=lots, reserved=_reservation(posting.reserved),
                  insertion_hours=float(posting.insertion_hours or 0),
                  lat=posting.commune.lat, lon=posting.commune.lon)


def split_by_place(lots: list) -> bool:
    """Lots that split one service by place (« Secteur nord », « Secteur sud »…): their titles
    open on the same word, and only the tender's own text says what the work is."""
    first_words = {lot.title.split()[0].lower() for lot in lots if lot.title.split()}
    return len(lots) > 1 and len(first_words) == 1


def lot_needs(posting: Posting, tender: Tender) -> list[tuple[str, Need]]:
    """One matcher query per lot: the lot's own text (a tender's title often names the other
    lots too), or the tender's text when the lots only split it by place."""
    base = need_from_posting(posting)
    shared = split_by_place(posting.lots)
    texts = {str(lot.number): (posting.title, posting.description) if shared
             else (lot.title, lot.description) for lot in posting.lots}
    return [(lot.id, replace(base, id=f"{base.id}:lot:{lot.id}", title=texts[lot.id][0],
                             text=texts[lot.id][1], lots=(),
                             reserved=lot.reserved or tender.reserved))
            for lot in tender.lots]


def chain_needs(posting: Posting, chain: ChainTemplate) -> list[tuple[str, Need]]:
    """One matcher query per step of a value chain, near the posting's place."""
    base = need_from_posting(posting)
    return [(step.id, replace(base, id=f"{base.id}:step:{step.id}", type="tender",
                              title=step.label, text=step.query, lots=(),
                              filieres=frozenset({chain.sector})))
            for step in chain.steps]


def _owner_id(matcher: Matcher, profile_id: str) -> str | None:
    """The organisation behind a profile, when it may join a groupement."""
    profile = matcher.profiles.get(profile_id)
    if profile is not None and profile.kind == "offer":
        profile = matcher.profiles.get(profile.owner_id or "")
    if profile is None or profile.kind not in MEMBER_KINDS:
        return None
    return profile.id


def fits_by_organisation(matcher: Matcher,
                         needs: Iterable[tuple[str, Need]]) -> dict[int, dict[str, float]]:
    """{organisation id: {lot id: fit}} over every lot's suggestions."""
    fits: dict[int, dict[str, float]] = defaultdict(dict)
    for lot_id, need in needs:
        for profile_id, fit in lot_suggestions(matcher, need).items():
            owner = _owner_id(matcher, profile_id)
            if owner is not None and fit > 0:
                org_id = parse_key(owner)[1]
                fits[org_id][lot_id] = max(fit, fits[org_id].get(lot_id, 0.0))
    return dict(fits)


def network_names(session: Session, organisation_ids: Iterable[int]) -> dict[int, set[str]]:
    rows = session.execute(
        select(NetworkMember.member_id, Organisation.name)
        .join(Organisation, Organisation.id == NetworkMember.network_id)
        .where(NetworkMember.member_id.in_(list(organisation_ids))))
    names: dict[int, set[str]] = defaultdict(set)
    for member_id, name in rows:
        names[member_id].add(name)
    return names


def to_candidate(organisation: Organisation, fits: dict[str, float],
                 networks: set[str]) -> Candidate:
    lat = organisation.lat if organisation.lat is not None else organisation.commune.lat
    lon = organisation.lon if organisation.lon is not None else organisation.commune.lon
    return Candidate(id=str(organisation.id), name=organisation.name, fits=fits,
                     headcount=organisation.headcount or 0, lat=lat, lon=lon,
                     siae=organisation.siae, ea_esat=organisation.ea_esat,
                     networks=frozenset(networks))


def load_organisations(session: Session, ids: Iterable[int]) -> dict[int, Organisation]:
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(list(ids))))
    return {o.id: o for o in rows}


def _solve(session: Session, posting: Posting, tender: Tender, chain: ChainTemplate | None,
           network: str | None) -> ConsortiumResult:
    needs = chain_needs(posting, chain) if chain else lot_needs(posting, tender)
    with current_index().suppliers.using(session) as matcher:
        fits = fits_by_organisation(matcher, needs)
    organisations = load_organisations(session, fits)
    networks = network_names(session, organisations)
    candidates = [to_candidate(o, fits[i], networks[i]) for i, o in organisations.items()]
    options = ConsortiumOptions(prefer_network=network, time_limit_s=TIME_LIMIT_S)
    if chain:
        return build_chain(chain.id, candidates, options, tender)
    return build_consortia(tender, candidates, options)


class _Cache:
    """Answers per (posting, its last change, chain, network) kept a few minutes in memory."""

    def __init__(self) -> None:
        self.rows: dict[tuple, tuple[float, ConsortiumResult]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple) -> ConsortiumResult | None:
        with self.lock:
            hit = self.rows.get(key)
            return hit[1] if hit and hit[0] > time.monotonic() else None

    def put(self, key: tuple, value: ConsortiumResult) -> None:
        with self.lock:
            now = time.monotonic()
            self.rows = {k: v for k, v in self.rows.items() if v[0] > now}
            self.rows[key] = (now + CACHE_TTL_S, value)

    def clear(self) -> None:
        with self.lock:
            self.rows.clear()


CACHE = _Cache()


def chain_template(chain_id: str | None) -> ChainTemplate | None:
    return CHAIN_TEMPLATES.get(chain_id or "")


def solved_tender(posting: Posting, chain: ChainTemplate | None) -> Tender:
    tender = tender_of(posting)
    if chain is None:
        return tender
    return chain_tender(chain.id, reserved=tender.reserved, insertion_hours=tender.insertion_hours,
                        lat=tender.lat, lon=tender.lon)


def propose(session: Session, posting: Posting, chain_id: str | None = None,
            network: str | None = None) -> ProposalSet:
    """Top groupements for a tender's lots (or a value chain's steps), cached a few minutes."""
    chain = chain_template(chain_id)
    tender = solved_tender(posting, chain)
    key = (posting.id, posting.updated_at, chain and chain.id, network)
    result = CACHE.get(key)
    if result is None:
        result = _solve(session, posting, tender, chain, network)
        CACHE.put(key, result)
    ids = {int(m.candidate_id) for p in result.proposals for m in p.members}
    return ProposalSet(posting, tender, result, load_organisations(session, ids), chain, network)


def composition(proposal: Proposal) -> str:
    """A proposal's members as text (« 12:lead:1,2;15:co_contractor:3 »), echoed by forms."""
    return ";".join(f"{m.candidate_id}:{m.role.value}:{','.join(m.lots)}"
                    for m in proposal.members)


def find_proposal(proposals: ProposalSet, index: int, expected: str) -> Proposal | None:
    """The proposal shown at `index`, if it is still the one the user saw."""
    items = proposals.result.proposals
    if not 0 <= index < len(items) or composition(items[index]) != expected:
        return None
    return items[index]
