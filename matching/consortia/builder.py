"""Entry point: from a tender and candidate organisations to the top-N groupements.

Method "auto" runs CP-SAT when the pre-filtered model has at most `exact_max_pairs`
(member, lot) pairs, else the heuristic. The exact search is bounded by the remaining time
(split evenly between the proposals still to find); if CP-SAT stops unproven, a quick heuristic
descent runs too and the better answer is kept. Each proposal says if it is proven optimal
(given the diversity cuts of the earlier ones).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from matching.consortia import explain as fr
from matching.consortia.exact import ExactSolver
from matching.consortia.heuristic import solve_heuristic
from matching.consortia.problem import Problem, build_problem, ranked_per_lot
from matching.consortia.scoring import Assignment, breakdown, objective
from matching.consortia.types import (
    Candidate,
    ConsortiumOptions,
    ConsortiumResult,
    Member,
    Proposal,
    Role,
    Tender,
)

FALLBACK_SHARE = 0.2  # share of a proposal's time kept for the heuristic if CP-SAT times out
Found = list[tuple[Assignment, bool]]


def choose_method(problem: Problem) -> str:
    if problem.options.method != "auto":
        return problem.options.method
    return "exact" if problem.n_pairs <= problem.options.exact_max_pairs else "heuristic"


def _search_heuristic(problem: Problem, deadline: float) -> Found:
    found: Found = []
    n = problem.options.n_proposals
    for k in range(n):
        budget = (deadline - time.monotonic()) / (n - k)
        assignment = solve_heuristic(problem, [a for a, _ in found], time.monotonic() + budget)
        if assignment is None:
            break
        found.append((assignment, False))
    return found


def _better(problem: Problem, a: Assignment | None, b: Assignment | None) -> Assignment | None:
    if a is None or b is None:
        return a or b
    return b if objective(problem, b) > objective(problem, a) else a


def _search_exact(problem: Problem, deadline: float) -> Found:
    """CP-SAT per proposal; when it runs out of time unproven, the heuristic may do better."""
    solver, found = ExactSolver(problem), []
    n = problem.options.n_proposals
    for k in range(n):
        t0 = time.monotonic()
        budget = (deadline - t0) / (n - k)
        assignment, proven = solver.solve(budget * (1 - FALLBACK_SHARE))
        if not proven:
            quick = solve_heuristic(problem, [a for a, _ in found], t0 + budget, kicks=0)
            assignment = _better(problem, assignment, quick)
        if assignment is None:
            break
        found.append((assignment, proven))
        solver.exclude(assignment)
    return found


def _lead(problem: Problem, assignment: Assignment) -> int:
    """Lead: a member passing the lead rule, best fit on its own lots; else the biggest."""
    def key(i: int) -> tuple[bool, float, int, int]:
        own = max(problem.fit[i][li] for li, h in enumerate(assignment) if h == i)
        return problem.lead_ok[i], own, problem.pool[i].headcount, -i
    return max(set(assignment), key=key)


def _members(problem: Problem, assignment: Assignment) -> tuple[Member, ...]:
    lead, opts = _lead(problem, assignment), problem.options
    order = sorted(set(assignment), key=lambda i: (i != lead, assignment.index(i)))
    members = []
    for i in order:
        c = problem.pool[i]
        role = (Role.LEAD if i == lead else Role.CO_CONTRACTOR
                if c.headcount >= opts.min_cocontractor_headcount else Role.SUBCONTRACTOR)
        lots = [li for li, h in enumerate(assignment) if h == i]
        members.append(Member(c.id, c.name, role, tuple(problem.lots[li].id for li in lots),
                              tuple(problem.fit[i][li] for li in lots), c.headcount,
                              round(problem.dist[i], 1)))
    return tuple(members)


def to_proposal(problem: Problem, assignment: Assignment, method: str,
                proven: bool) -> Proposal:
    members = _members(problem, assignment)
    parts = breakdown(problem, assignment)
    mapping = {lot.id: problem.pool[i].id for lot, i in zip(problem.lots, assignment, strict=True)}
    return Proposal(members=members, assignment=mapping, objective=parts.total,
                    components=parts, explanation=fr.explain(problem, members, assignment),
                    method=method, proven_optimal=proven)


def _precheck(tender: Tender, ranked: list[list[Candidate]]) -> ConsortiumResult | None:
    uncovered = [lot for lot, r in zip(tender.lots, ranked, strict=True) if not r]
    if not tender.lots:
        return ConsortiumResult(False, message="Aucun lot à couvrir.")
    if uncovered:
        return ConsortiumResult(False, uncovered_lots=tuple(lot.id for lot in uncovered),
                                message=fr.uncovered_message(tender, uncovered))
    if tender.insertion_hours > 0 and not any(c.social for r in ranked for c in r):
        return ConsortiumResult(False, message=fr.NO_SOCIAL_MESSAGE)
    return None


def build_consortia(tender: Tender, candidates: Sequence[Candidate],
                    options: ConsortiumOptions | None = None) -> ConsortiumResult:
    """Top-N diverse groupements covering every lot of `tender`; never raises on infeasible."""
    start, options = time.monotonic(), options or ConsortiumOptions()
    ranked = ranked_per_lot(tender, candidates, options.fit_threshold)
    if (early := _precheck(tender, ranked)) is not None:
        return early
    problem = build_problem(tender, ranked, options)
    method = choose_method(problem)
    search = _search_exact if method == "exact" else _search_heuristic
    found = search(problem, start + options.time_limit_s)
    elapsed = time.monotonic() - start
    if not found:
        return ConsortiumResult(False, message=fr.NO_SOLUTION_MESSAGE, method=method,
                                elapsed_s=elapsed)
    found.sort(key=lambda ap: -objective(problem, ap[0]))
    proposals = tuple(to_proposal(problem, a, method, p) for a, p in found)
    return ConsortiumResult(True, proposals=proposals, method=method, elapsed_s=elapsed,
                            message=f"{len(proposals)} groupement(s) proposé(s).")
