"""Hybrid ranking's building blocks: hard constraints as filters, rank fusion, filière match,
and the hand-set recipe (the prior of the learned ranker, ``matching.ranker``).

The hand-set score of a candidate is ``Σ w·c`` over named features ``c`` (``SIGNAL_WEIGHTS``);
other features (``sparse``, ``dense``, ``distance_km``) are the evidence behind them. Each
weight was set a priori:
- ``fused`` (1): text relevance, fused by a method of ``FUSIONS`` chosen by name. The default
  is CombSUM of max-normalised scores (Fox & Shaw 1994): BM25 divided by the best BM25 of the
  query, dense cosine divided by the best cosine, averaged. Cosine is on an absolute scale, so
  a flat dense list moves the ranking little, as it should; reciprocal-rank fusion (``rrf``,
  k = 60) is kept for comparison;
- ``filiere`` (0.15 × 1 shared, × 0.5 adjacent on the value chain): as much as moving from
  rank ~1 to rank ~25 in both lists would cost;
- ``proximity`` (0.05 × e^(−km/15)): a small bonus decaying over the metropole's radius, and
  ``outside_metropole`` (−0.15): the marketplace serves the metropole;
- ``duplicate`` (−0.3 × share of the requester's identity): requests that open on who asks
  (partnerships, resources) do not seek a near-duplicate of the requester, so it loses the
  filière bonus and as much again. Free-text searches have no requester: never this term;
- ``social`` (0.05): an ESS organisation gains a third of a filière bonus over a conventional
  company (Essaim is the social economy's marketplace; a company can still rank first);
- ``cpv_concept`` (0.1 × cosine in CPV space, ``matching.concepts``): a small bridge for texts
  naming one trade with other words, below a filière bonus (chosen on DEV and DECP
  validation among 0.05–0.5: more buries the text relevance on DEV);
- ``public_resource`` (0.15): a request for premises, roofs, equipment or materials
  (``resource``) is answered first by public bodies — communes, the metropolis, social
  landlords hold most of the real estate the roadmap's « immobilier » lever mobilises — so a
  public body gains as much as a shared filière there (DEV 0.835 → 0.840, its 11 resource
  requests 0.713 → 0.742). Deliberately not the best of the sweep: 0.3 gave DEV 0.850, a
  weight read off 11 requests that a held-out set would not confirm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType

from matching.complement import adjacency
from matching.geo import distance_km
from matching.types import SUPPLIER_NEEDS, Need, Profile, SearchQuery

RRF_K = 60.0

SIGNAL_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "fused": 1.0,
    "filiere": 0.15,
    "proximity": 0.05,
    "outside_metropole": -0.15,
    "duplicate": -0.30,
    "social": 0.05,
    "cpv_concept": 0.1,
    "public_resource": 0.15,
})
RELEVANCE = "fused"  # the text-relevance component, exposed as ``Suggestion.relevance``


def violations(profile: Profile, need: Need) -> list[str]:
    """Hard constraints a profile breaks for a need (empty list = none)."""
    broken = []
    if not profile.eligible_for(need.reserved):
        broken.append("eligibility")
    if not within_reach(profile, need):
        broken.append("max_km")
    if need.requester_id is not None and need.requester_id in (profile.id, profile.owner_id):
        broken.append("requester")
    return broken


def within_reach(profile: Profile, target: Need | SearchQuery) -> bool:
    """False when the target sets a radius and the profile is outside it (or unplaced)."""
    if target.max_km is None:
        return True
    dist = distance_km(target.lat, target.lon, profile.lat, profile.lon)
    return dist is not None and dist <= target.max_km


def allowed(profile: Profile, need: Need) -> bool:
    """Candidate filter: hard constraints plus direction (who can answer this kind of need)."""
    if not profile.active or violations(profile, need):
        return False
    return not (profile.kind == "public_buyer" and need.type in SUPPLIER_NEEDS)


def rrf(rankings: Iterable[Sequence[str]], k: float = RRF_K) -> dict[str, float]:
    """Reciprocal-rank fusion, divided by its maximum so that 1 = first in every list."""
    lists = list(rankings)
    fused: dict[str, float] = {}
    for ranking in lists:
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    best = len(lists) / (k + 1)
    return {doc_id: score / best for doc_id, score in fused.items()}


def combsum(score_lists: Iterable[Sequence[tuple[str, float]]]) -> dict[str, float]:
    """Mean of max-normalised scores over the lists (a missing document scores 0 in a list)."""
    lists = [hits for hits in score_lists if hits]
    fused: dict[str, float] = {}
    for hits in lists:
        best = max(score for _, score in hits) or 1.0
        for doc_id, score in hits:
            fused[doc_id] = fused.get(doc_id, 0.0) + score / best / len(lists)
    return fused


def rrf_scores(score_lists: Iterable[Sequence[tuple[str, float]]]) -> dict[str, float]:
    """RRF over the lists' orders (their scores are ignored)."""
    return rrf([[doc_id for doc_id, _ in hits] for hits in score_lists if hits])


Fusion = Callable[[Iterable[Sequence[tuple[str, float]]]], dict[str, float]]
FUSIONS: dict[str, Fusion] = {"combsum": combsum, "rrf": rrf_scores}


def fuse(score_lists: Sequence[Sequence[tuple[str, float]]], method: str) -> dict[str, float]:
    """Fuse retriever outputs with the method named in ``FUSIONS``."""
    return FUSIONS[method](score_lists)


def filiere_match(profile: Profile, need: Need | SearchQuery) -> tuple[float, str | None]:
    """1 for a shared filière, 0.5 for an adjacent one on the value chain, else 0."""
    shared = need.filieres & profile.filieres
    if shared:
        return 1.0, min(shared)
    chain = adjacency()
    for wanted in sorted(need.filieres):
        for offered in sorted(profile.filieres):
            if frozenset((wanted, offered)) in chain:
                return 0.5, offered
    return 0.0, None
