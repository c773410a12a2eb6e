"""Hybrid ranking: hard constraints as filters, rank fusion, structured re-scoring.

The recipe is fixed and has few knobs (``Weights``), each set on a priori grounds:
- text relevance is CombSUM of max-normalised scores (Fox & Shaw 1994): BM25 divided by the
  best BM25 of the query, dense cosine divided by the best cosine, averaged. Cosine is on an
  absolute scale, so a flat dense list moves the ranking little, as it should; reciprocal-rank
  fusion (``rrf``, k = 60) is kept for comparison;
- a shared filière adds as much as moving from rank ~1 to rank ~25 in both lists would cost;
  an adjacent filière on the value chain half of that;
- locality: a small bonus decaying with distance over the metropole's radius (~15 km), and a
  penalty for organisations outside Nantes Métropole (the marketplace serves the metropole);
- requests that open on who asks (partnerships, resources): a near-duplicate of the requester
  is not what it seeks, so it loses the filière bonus and as much again (0.3);
- social utility: an ESS organisation gains a third of a filière bonus over a conventional
  company (Essaim is the social economy's marketplace; a company can still rank first).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching.complement import adjacency
from matching.geo import distance_km
from matching.types import SUPPLIER_NEEDS, Need, Profile

RRF_K = 60.0
SOCIAL_KINDS = frozenset({"ess", "network"})


@dataclass(frozen=True)
class Weights:
    """Additive weights of the structured signals, in units of normalised fused relevance."""

    filiere: float = 0.15
    adjacent: float = 0.075
    proximity: float = 0.05
    proximity_km: float = 15.0
    outside_metropole: float = 0.15
    duplicate: float = 0.30
    social: float = 0.05
    fusion: str = "combsum"


def violations(profile: Profile, need: Need) -> list[str]:
    """Hard constraints a profile breaks for a need (empty list = none)."""
    broken = []
    if not profile.eligible_for(need.reserved):
        broken.append("eligibility")
    if need.max_km is not None:
        dist = distance_km(need.lat, need.lon, profile.lat, profile.lon)
        if dist is None or dist > need.max_km:
            broken.append("max_km")
    if need.requester_id is not None and need.requester_id in (profile.id, profile.owner_id):
        broken.append("requester")
    return broken


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


def fuse(score_lists: Sequence[Sequence[tuple[str, float]]], method: str) -> dict[str, float]:
    """Fuse retriever outputs with ``combsum`` (default) or ``rrf``."""
    if method == "rrf":
        return rrf([[doc_id for doc_id, _ in hits] for hits in score_lists if hits])
    return combsum(score_lists)


def filiere_match(profile: Profile, need: Need) -> tuple[float, str | None]:
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


def structured(profile: Profile, need: Need, weights: Weights) -> dict[str, float]:
    """Structured components of a candidate (filière, distance, locality)."""
    match, _ = filiere_match(profile, need)
    comps = {"filiere": match}
    dist = distance_km(need.lat, need.lon, profile.lat, profile.lon)
    if dist is not None:
        comps["distance_km"] = round(dist, 1)
        comps["proximity"] = math.exp(-dist / weights.proximity_km)
    comps["outside_metropole"] = 1.0 if profile.in_metropole is False else 0.0
    comps["social"] = 1.0 if profile.kind in SOCIAL_KINDS or profile.esus else 0.0
    return comps


def combine(comps: dict[str, float], weights: Weights) -> float:
    """Final score: fused text relevance plus the weighted structured signals."""
    filiere = weights.filiere if comps.get("filiere", 0) >= 1 else (
        weights.adjacent if comps.get("filiere", 0) > 0 else 0.0)
    return (comps.get("fused", 0.0) + filiere
            + weights.proximity * comps.get("proximity", 0.0)
            - weights.outside_metropole * comps.get("outside_metropole", 0.0)
            - weights.duplicate * comps.get("duplicate", 0.0)
            + weights.social * comps.get("social", 0.0))
