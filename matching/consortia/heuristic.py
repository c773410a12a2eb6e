"""Heuristic groupement search for tenders too large for CP-SAT within the time budget.

1. Greedy set cover: repeatedly add the organisation with the best marginal gain (each newly
   covered lot is worth 1 + its fit, a better holder for a covered lot is worth the fit increase,
   minus the member's cost), then add the best SIAE / EA-ESAT if the social clause is unmet.
2. Local search, first improvement, until no move helps or the deadline passes: remove a member,
   swap a member for one of the top-k candidates of the lots it holds, or add a top candidate.
Given a member set, lots go to their best-fitting member (greedily under `max_lots_per_member`).
Hard constraints (social clause, caps, diversity against earlier proposals) enter the search as
a large penalty per violation; a final proposal with any violation is rejected.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence

from matching.consortia.problem import Problem
from matching.consortia.scoring import Assignment, objective, violations

PENALTY = 10.0
ADD_PER_LOT = 3


def _best_holders(problem: Problem, members: frozenset[int]) -> list[int | None]:
    holders: list[int | None] = [None] * len(problem.lots)
    best = [-1.0] * len(problem.lots)
    cap = problem.options.max_lots_per_member
    if cap is None:
        for i in members:
            for li, f in problem.fit[i].items():
                if f > best[li] or (f == best[li] and i < (holders[li] or i)):
                    best[li], holders[li] = f, i
        return holders
    pairs = sorted(((f, -i, li) for i in members for li, f in problem.fit[i].items()),
                   reverse=True)
    load: Counter[int] = Counter()
    for _, neg_i, li in pairs:
        if holders[li] is None and load[-neg_i] < cap:
            holders[li] = -neg_i
            load[-neg_i] += 1
    return holders


def assign(problem: Problem, members: frozenset[int]) -> Assignment | None:
    """Lots to members; idle members take the lot they lose least on; None if a lot is bare."""
    holders = _best_holders(problem, members)
    if any(h is None for h in holders):
        return None
    load = Counter(holders)
    for i in sorted(members - set(load)):
        steals = [(problem.fit[h][li] - f, li) for li, f in problem.fit[i].items()
                  if (h := holders[li]) is not None and load[h] > 1]
        if steals:
            _, li = min(steals)
            load[holders[li]] -= 1
            holders[li], load[i] = i, 1
    return tuple(h for h in holders if h is not None)


def score(problem: Problem, members: frozenset[int],
          previous: Sequence[Assignment]) -> tuple[float, Assignment | None]:
    assignment = assign(problem, members)
    if assignment is None:
        return float("-inf"), None
    value = objective(problem, assignment) - PENALTY * violations(problem, assignment, previous)
    return value, assignment


def _gain(problem: Problem, j: int, best: list[float | None]) -> float:
    gain = -problem.cost[j]
    for li, f in problem.fit[j].items():
        cur = best[li]
        gain += 1.0 + f if cur is None else max(0.0, f - cur)
    return gain


def greedy(problem: Problem) -> frozenset[int]:
    """Greedy cover of every lot (then of the social clause) by marginal objective gain."""
    chosen: set[int] = set()
    best: list[float | None] = [None] * len(problem.lots)
    outside = set(range(len(problem.pool)))
    while any(b is None for b in best) and outside:
        j = max(sorted(outside), key=lambda k: _gain(problem, k, best))
        chosen.add(j)
        outside.discard(j)
        for li, f in problem.fit[j].items():
            best[li] = max(f, best[li] or 0.0)
    if problem.tender.insertion_hours > 0 and not any(problem.social[i] for i in chosen):
        social = [k for k in sorted(outside) if problem.social[k]]
        if social:
            chosen.add(max(social, key=lambda k: _gain(problem, k, best)))
    return frozenset(chosen)


def _top(problem: Problem, lots: Sequence[int], k: int) -> list[int]:
    return sorted({i for li in lots for i, _ in problem.allowed[li][:k]})


def moves(problem: Problem, members: frozenset[int]) -> Iterator[frozenset[int]]:
    """Neighbours of a member set: removals, focused swaps, then additions."""
    for i in sorted(members):
        yield members - {i}
    k = problem.options.top_k
    for i in sorted(members):
        for j in _top(problem, list(problem.fit[i]), k):
            if j not in members:
                yield (members - {i}) | {j}
    for j in _top(problem, range(len(problem.lots)), ADD_PER_LOT):
        if j not in members:
            yield members | {j}


def local_search(problem: Problem, members: frozenset[int], previous: Sequence[Assignment],
                 deadline: float) -> tuple[float, Assignment | None]:
    """First-improvement descent from `members` until a local optimum or the deadline."""
    best, assignment = score(problem, members, previous)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for candidate in moves(problem, members):
            value, cand_assignment = score(problem, candidate, previous)
            if value > best + 1e-9:
                best, assignment = value, cand_assignment
                members = frozenset(cand_assignment or candidate)
                improved = True
                break
    return best, assignment


def solve_heuristic(problem: Problem, previous: Sequence[Assignment],
                    deadline: float) -> Assignment | None:
    """Greedy then local search; None when no acceptable proposal was found."""
    _, assignment = local_search(problem, greedy(problem), previous, deadline)
    if assignment is None or violations(problem, assignment, previous):
        return None
    return assignment
