"""Property tests (hypothesis): every proposal is a valid, distinct groupement; exact is optimal
on brute-forceable cases and the heuristic stays close to it."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matching.consortia import (
    Candidate,
    ConsortiumOptions,
    ConsortiumResult,
    Lot,
    Role,
    Tender,
    build_consortia,
)
from matching.consortia.problem import build_problem, ranked_per_lot
from matching.consortia.scoring import breakdown, objective, violations

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
RESERVATION = st.sampled_from([None] * 8 + ["siae", "ea_esat"])


@st.composite
def instances(draw: st.DrawFn, max_lots: int = 5,
              max_candidates: int = 10) -> tuple[Tender, list[Candidate]]:
    n_lots = draw(st.integers(1, max_lots))
    lots = tuple(Lot(f"L{k}", f"Lot {k}", draw(RESERVATION)) for k in range(n_lots))
    tender = Tender(lots=lots, reserved=draw(st.sampled_from([None] * 8 + ["siae"])),
                    insertion_hours=draw(st.sampled_from([0.0, 0.0, 400.0])),
                    lat=47.2, lon=-1.55)
    fit = st.sampled_from([0.0, 0.1] + [round(0.3 + 0.05 * k, 2) for k in range(15)])
    candidates = [
        Candidate(id=f"C{k}", name=f"Org {k}", fits={lot.id: draw(fit) for lot in lots},
                  headcount=draw(st.integers(1, 40)),
                  lat=47.2 + draw(st.floats(-0.3, 0.3)), lon=-1.55 + draw(st.floats(-0.3, 0.3)),
                  siae=draw(st.booleans()), ea_esat=draw(st.booleans()))
        for k in range(draw(st.integers(2, max_candidates)))]
    return tender, candidates


def check_proposals(tender: Tender, candidates: list[Candidate], result: ConsortiumResult,
                    options: ConsortiumOptions) -> None:
    by_id = {c.id: c for c in candidates}
    for p in result.proposals:
        assert set(p.assignment) == {lot.id for lot in tender.lots}
        for lot in tender.lots:
            holder = by_id[p.assignment[lot.id]]
            assert holder.fits[lot.id] >= options.fit_threshold
            assert holder.eligible_for(lot.reserved) and holder.eligible_for(tender.reserved)
        members = [by_id[m.candidate_id] for m in p.members]
        assert sum(m.role is Role.LEAD for m in p.members) == 1
        assert sorted(lot for m in p.members for lot in m.lots) == sorted(p.assignment)
        if tender.insertion_hours > 0:
            assert any(c.social for c in members)
    sets = [frozenset(p.assignment.values()) for p in result.proposals]
    for a, b in itertools.combinations(sets, 2):
        assert len(a ^ b) >= options.diversity


def coverable(tender: Tender, candidates: list[Candidate], threshold: float) -> set[str]:
    return {lot.id for lot in tender.lots for c in candidates
            if c.fits[lot.id] >= threshold and c.eligible_for(lot.reserved)
            and c.eligible_for(tender.reserved)}


@SETTINGS
@given(instances(), st.sampled_from(["exact", "heuristic"]))
def test_proposals_are_valid_and_distinct(instance, method) -> None:
    tender, candidates = instance
    options = ConsortiumOptions(method=method, n_proposals=3, time_limit_s=3)
    result = build_consortia(tender, candidates, options)
    expected_uncovered = [lot.id for lot in tender.lots
                          if lot.id not in coverable(tender, candidates, options.fit_threshold)]
    assert list(result.uncovered_lots) == expected_uncovered
    assert result.feasible == bool(result.proposals)
    event(f"feasible={result.feasible}, proposals={len(result.proposals)}")
    if not result.feasible:
        assert result.message.startswith("Aucun")
    check_proposals(tender, candidates, result, options)


def brute_force_best(tender: Tender, candidates: list[Candidate],
                     options: ConsortiumOptions) -> float | None:
    problem = build_problem(tender, ranked_per_lot(tender, candidates, options.fit_threshold),
                            options)
    choices = [[i for i, _ in pairs] for pairs in problem.allowed]
    assignments = [a for a in itertools.product(*choices) if not violations(problem, a)]
    for a in assignments[:20]:
        assert abs(objective(problem, a) - breakdown(problem, a).total) < 1e-9
    values = [objective(problem, a) for a in assignments]
    return max(values, default=None)


@SETTINGS
@given(instances(max_lots=4, max_candidates=6))
def test_exact_matches_brute_force_and_heuristic_is_close(instance) -> None:
    tender, candidates = instance
    exact = build_consortia(tender, candidates, ConsortiumOptions(method="exact", n_proposals=1))
    heuristic = build_consortia(tender, candidates,
                                ConsortiumOptions(method="heuristic", n_proposals=1))
    best = brute_force_best(tender, candidates, ConsortiumOptions())
    event(f"brute-force feasible={best is not None}")
    if best is None:
        assert not exact.feasible
        return
    assert exact.proposals[0].proven_optimal
    assert abs(exact.proposals[0].objective - best) < 1e-3
    assert heuristic.feasible
    assert heuristic.proposals[0].objective >= best - 0.05 * abs(best) - 1e-6
