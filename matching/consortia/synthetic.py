"""Seeded synthetic tenders around Nantes, for the benchmark and the property tests."""

from __future__ import annotations

import random
from dataclasses import dataclass

from matching.consortia.types import Candidate, Lot, Reservation, Tender

NANTES = (47.218, -1.554)
NETWORKS = ("ecossolies", "cress-pdl", "tzcld")


@dataclass(frozen=True)
class Shape:
    """Instance knobs; shares are probabilities per lot or per organisation."""

    reserved_lot_share: float = 0.1
    insertion_hours: float = 800.0
    siae_share: float = 0.12
    ea_esat_share: float = 0.06
    network_share: float = 0.2
    spread_deg: float = 0.12  # about 13 km standard deviation around Nantes


def _lots(n_lots: int, rng: random.Random, shape: Shape) -> tuple[Lot, ...]:
    kinds: tuple[Reservation, ...] = ("siae", "ea_esat")
    return tuple(Lot(f"L{k + 1}", f"Prestation {k + 1}",
                     rng.choice(kinds) if rng.random() < shape.reserved_lot_share else None)
                 for k in range(n_lots))


def _fits(lots: tuple[Lot, ...], rng: random.Random) -> dict[str, float]:
    """A few specialities with good fits, a couple of weak side fits."""
    ids = [lot.id for lot in lots]
    fits = {lid: round(rng.betavariate(4, 2), 3)
            for lid in rng.sample(ids, min(len(ids), rng.choice((1, 1, 2, 2, 3, 4))))}
    for lid in rng.sample(ids, min(len(ids), 2)):
        fits.setdefault(lid, round(rng.uniform(0.05, 0.45), 3))
    return fits


def _candidate(k: int, lots: tuple[Lot, ...], rng: random.Random, shape: Shape) -> Candidate:
    return Candidate(
        id=f"O{k:05d}", name=f"Structure {k}", fits=_fits(lots, rng),
        headcount=1 + int(rng.lognormvariate(2.2, 1.0)),
        lat=NANTES[0] + rng.gauss(0, shape.spread_deg),
        lon=NANTES[1] + rng.gauss(0, shape.spread_deg * 1.5),
        siae=rng.random() < shape.siae_share, ea_esat=rng.random() < shape.ea_esat_share,
        networks=frozenset(n for n in NETWORKS if rng.random() < shape.network_share))


def synthetic_instance(n_lots: int, n_candidates: int, seed: int,
                       shape: Shape | None = None) -> tuple[Tender, list[Candidate]]:
    """A tender of `n_lots` lots near Nantes and `n_candidates` organisations."""
    rng, shape = random.Random(seed), shape or Shape()
    lots = _lots(n_lots, rng, shape)
    tender = Tender(lots=lots, insertion_hours=shape.insertion_hours, lat=NANTES[0],
                    lon=NANTES[1])
    return tender, [_candidate(k, lots, rng, shape) for k in range(n_candidates)]
