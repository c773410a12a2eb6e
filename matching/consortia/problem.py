"""Turn a tender and its candidates into the small indexed problem both solvers share.

Pre-filter: each lot keeps its `top_k` eligible candidates by fit, plus up to `EXTRA_PER_GROUP`
of the best ones from each group a constraint or preference needs (SIAE/EA-ESAT when there are
insertion hours, members of `prefer_network`, organisations able to lead). The pool is the union
over lots; a pooled member may then cover any lot it fits, not only the one that selected it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice

from matching.consortia.types import Candidate, ConsortiumOptions, Lot, Tender

EXTRA_PER_GROUP = 3
EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Problem:
    """Indexed view: lots 0..L-1, pool members 0..P-1, per-lot allowed (member, fit) lists."""

    tender: Tender
    options: ConsortiumOptions
    pool: tuple[Candidate, ...]
    allowed: tuple[tuple[tuple[int, float], ...], ...]  # per lot, best fit first
    fit: tuple[dict[int, float], ...]  # per member: lot index -> fit
    dist: tuple[float, ...]  # km to the anchor
    radius_km: tuple[int, ...]  # the same, whole km: the compactness term uses these
    cost: tuple[float, ...]  # per-member objective cost (member + km - network bonus)
    social: tuple[bool, ...]
    lead_ok: tuple[bool, ...]
    in_network: tuple[bool, ...]

    @property
    def lots(self) -> tuple[Lot, ...]:
        return self.tender.lots

    @property
    def n_pairs(self) -> int:
        return sum(len(a) for a in self.allowed)


def ranked_per_lot(tender: Tender, candidates: Sequence[Candidate],
                   threshold: float) -> list[list[Candidate]]:
    """Per lot, candidates eligible for it and for the tender, at or above the fit threshold."""
    eligible = [c for c in candidates if c.eligible_for(tender.reserved)]
    ranked = []
    for lot in tender.lots:
        ok = [c for c in eligible
              if c.fits.get(lot.id, 0.0) >= threshold and c.eligible_for(lot.reserved)]
        ranked.append(sorted(ok, key=lambda c, lid=lot.id: (-c.fits[lid], c.id)))
    return ranked


def can_lead(c: Candidate, tender: Tender, options: ConsortiumOptions) -> bool:
    """Lead rule: enough staff and a good fit on at least one lot of the tender."""
    best = max((c.fits.get(lot.id, 0.0) for lot in tender.lots), default=0.0)
    return c.headcount >= options.min_lead_headcount and best >= options.lead_fit_min


def _pool(tender: Tender, ranked: list[list[Candidate]],
          options: ConsortiumOptions) -> list[Candidate]:
    groups: list[Callable[[Candidate], bool]] = [lambda c: can_lead(c, tender, options)]
    if tender.insertion_hours > 0:
        groups.append(lambda c: c.social)
    if options.prefer_network:
        groups.append(lambda c: options.prefer_network in c.networks)
    chosen: dict[str, Candidate] = {}
    for lot_ranked in ranked:
        for c in lot_ranked[: options.top_k]:
            chosen.setdefault(c.id, c)
        for keep in groups:
            for c in islice((c for c in lot_ranked if keep(c)), EXTRA_PER_GROUP):
                chosen.setdefault(c.id, c)
    return sorted(chosen.values(), key=lambda c: c.id)


def _anchor(tender: Tender, pool: Sequence[Candidate]) -> tuple[float, float]:
    """Buyer location when known, else the median location of the pool."""
    if tender.lat is not None and tender.lon is not None:
        return tender.lat, tender.lon
    return statistics.median(c.lat for c in pool), statistics.median(c.lon for c in pool)


def build_problem(tender: Tender, ranked: list[list[Candidate]],
                  options: ConsortiumOptions) -> Problem:
    """Index the pre-filtered pool; `ranked` comes from `ranked_per_lot`."""
    pool = _pool(tender, ranked, options)
    index = {c.id: i for i, c in enumerate(pool)}
    allowed = tuple(tuple((index[c.id], c.fits[lot.id]) for c in lot_ranked if c.id in index)
                    for lot, lot_ranked in zip(tender.lots, ranked, strict=True))
    fit: list[dict[int, float]] = [{} for _ in pool]
    for li, pairs in enumerate(allowed):
        for i, f in pairs:
            fit[i][li] = f
    lat0, lon0 = _anchor(tender, pool)
    dist = tuple(haversine_km(lat0, lon0, c.lat, c.lon) for c in pool)
    w, net = options.weights, options.prefer_network
    in_network = tuple(bool(net) and net in c.networks for c in pool)
    cost = tuple(w.member + w.km * d - (w.network if n else 0.0)
                 for d, n in zip(dist, in_network, strict=True))
    return Problem(tender=tender, options=options, pool=tuple(pool), allowed=allowed,
                   fit=tuple(fit), dist=dist, radius_km=tuple(round(d) for d in dist), cost=cost,
                   social=tuple(c.social for c in pool),
                   lead_ok=tuple(can_lead(c, tender, options) for c in pool),
                   in_network=in_network)
