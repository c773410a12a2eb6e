"""One objective for both solvers: score and check an assignment (lot index -> pool index)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from matching.consortia.problem import Problem
from matching.consortia.types import ObjectiveBreakdown

Assignment = tuple[int, ...]


def members_of(assignment: Assignment) -> frozenset[int]:
    return frozenset(assignment)


def breakdown(problem: Problem, assignment: Assignment) -> ObjectiveBreakdown:
    """Objective components of a complete assignment (see ObjectiveWeights)."""
    w = problem.options.weights
    members = members_of(assignment)
    return ObjectiveBreakdown(
        fit=sum(problem.fit[i][li] for li, i in enumerate(assignment)),
        members=-w.member * len(members),
        distance=-w.km * sum(problem.dist[i] for i in members),
        radius=-w.radius_km * max(problem.radius_km[i] for i in members),
        network=w.network * sum(problem.in_network[i] for i in members),
        lead=0.0 if any(problem.lead_ok[i] for i in members) else -w.weak_lead,
    )


def objective(problem: Problem, assignment: Assignment) -> float:
    """Fast path for the search, equal to breakdown(...).total (`cost` folds member, km and
    network terms together; a test checks they agree)."""
    w, members = problem.options.weights, set(assignment)
    fit = sum(problem.fit[i][li] for li, i in enumerate(assignment))
    value = fit - sum(problem.cost[i] for i in members)
    value -= w.radius_km * max(problem.radius_km[i] for i in members)
    return value if any(problem.lead_ok[i] for i in members) else value - w.weak_lead


def difference(problem: Problem, a: Assignment, b: Assignment) -> int:
    """How far two proposals are apart, on the axis `options.diversity_on` names."""
    if problem.options.diversity_on == "lots":
        return sum(x != y for x, y in zip(a, b, strict=True))
    return len(members_of(a) ^ members_of(b))


def violations(problem: Problem, assignment: Assignment,
               previous: Sequence[Assignment] = ()) -> int:
    """Number of broken hard constraints (0 = acceptable proposal); coverage is by construction."""
    opts, members = problem.options, members_of(assignment)
    broken = 0
    if problem.tender.insertion_hours > 0 and not any(problem.social[i] for i in members):
        broken += 1
    if opts.max_members is not None:
        broken += max(0, len(members) - opts.max_members)
    if opts.max_lots_per_member is not None:
        broken += sum(max(0, n - opts.max_lots_per_member)
                      for n in Counter(assignment).values())
    broken += sum(max(0, opts.diversity - difference(problem, assignment, p)) for p in previous)
    return broken
