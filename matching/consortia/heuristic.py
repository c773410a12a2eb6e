"""Heuristic groupement search for tenders too large for CP-SAT within the time budget.

1. Greedy set cover: repeatedly add the organisation with the best marginal gain (each newly
   covered lot is worth 1 + its fit, a better holder for a covered lot is worth the fit increase,
   minus the member's cost), then add the best SIAE / EA-ESAT if the social clause is unmet.
2. Local search until no move helps or the deadline passes, taking the best move of the first
   class that improves, cheap classes first: remove a member; add one of the ADD_PER_LOT best
   candidates of a lot; swap a member for one of the SWAP_K best candidates of its lots.
3. Iterated: up to KICKS times (PATIENCE in a row without gain), drop one or two random members
   of the best answer, re-cover greedily and descend without them (tabu), then descend freely;
   keep the best (seeded, so answers are reproducible).
Given a member set, lots go to their best-fitting member (greedily under `max_lots_per_member`).
Hard constraints (social clause, caps, diversity against earlier proposals) enter the search as
a large penalty per violation; a final proposal with any violation is rejected.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence

from matching.consortia.problem import Problem
from matching.consortia.scoring import Assignment, objective, violations

PENALTY = 10.0
KICKS = 30  # perturbation rounds of the iterated local search (deadline permitting)
PATIENCE = 8  # stop after this many kicks without improvement
ADD_PER_LOT = 3  # additions: the best few candidates of every lot
SWAP_K = 6  # swaps: the best few candidates of the lots the member could hold


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


def greedy(problem: Problem, start: frozenset[int] = frozenset(),
           banned: frozenset[int] = frozenset()) -> frozenset[int]:
    """Greedy cover of every lot (then of the social clause) by marginal objective gain."""
    chosen = set(start)
    best: list[float | None] = [None] * len(problem.lots)
    for i in chosen:
        for li, f in problem.fit[i].items():
            best[li] = max(f, best[li] or 0.0)
    outside = set(range(len(problem.pool))) - chosen - banned
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


def _removals(problem: Problem, members: frozenset[int],
              banned: frozenset[int]) -> Iterator[frozenset[int]]:
    for i in sorted(members):
        yield members - {i}


def _additions(problem: Problem, members: frozenset[int],
               banned: frozenset[int]) -> Iterator[frozenset[int]]:
    for j in _top(problem, range(len(problem.lots)), ADD_PER_LOT):
        if j not in members and j not in banned:
            yield members | {j}


def _swaps(problem: Problem, members: frozenset[int],
           banned: frozenset[int]) -> Iterator[frozenset[int]]:
    """Swap a member for one of the SWAP_K best candidates of a lot it could hold."""
    for i in sorted(members):
        for j in _top(problem, list(problem.fit[i]), SWAP_K):
            if j not in members and j not in banned:
                yield (members - {i}) | {j}


MOVES = (_removals, _additions, _swaps)  # cheap neighbourhoods first


def _best_move(problem: Problem, members: frozenset[int], previous: Sequence[Assignment],
               floor: float, banned: frozenset[int]) -> tuple[float, Assignment | None]:
    """Best neighbour of the first move class that beats `floor` (best improvement per class)."""
    for neighbourhood in MOVES:
        scored = (score(problem, m, previous) for m in neighbourhood(problem, members, banned))
        value, assignment = max(scored, key=lambda s: s[0], default=(floor, None))
        if value > floor + 1e-9:
            return value, assignment
    return floor, None


def local_search(problem: Problem, members: frozenset[int], previous: Sequence[Assignment],
                 deadline: float, banned: frozenset[int] = frozenset(),
                 ) -> tuple[float, Assignment | None]:
    """Descend from `members` (never adding `banned`) until a local optimum or the deadline."""
    best, assignment = score(problem, members, previous)
    while time.monotonic() < deadline:
        value, better = _best_move(problem, members, previous, best, banned)
        if better is None:
            break
        best, assignment, members = value, better, frozenset(better)
    return best, assignment


def _kick(problem: Problem, assignment: Assignment, previous: Sequence[Assignment],
          rng: random.Random, deadline: float) -> tuple[float, Assignment | None]:
    """Drop one or two members, re-cover and descend without them, then descend freely."""
    members = sorted(set(assignment))
    dropped = frozenset(rng.sample(members, min(len(members), rng.choice((1, 2)))))
    start = greedy(problem, frozenset(members) - dropped, banned=dropped)
    _, tabu_end = local_search(problem, start, previous, deadline, banned=dropped)
    return local_search(problem, frozenset(tabu_end or start), previous, deadline)


def solve_heuristic(problem: Problem, previous: Sequence[Assignment], deadline: float,
                    kicks: int = KICKS) -> Assignment | None:
    """Iterated local search from the greedy cover; None when nothing acceptable was found."""
    best, assignment = local_search(problem, greedy(problem), previous, deadline)
    rng, idle = random.Random(problem.options.seed), 0
    for _ in range(kicks):
        if assignment is None or idle >= PATIENCE or time.monotonic() >= deadline:
            break
        value, candidate = _kick(problem, assignment, previous, rng, deadline)
        idle += 1
        if value > best + 1e-9:
            best, assignment, idle = value, candidate, 0
    if assignment is None or violations(problem, assignment, previous):
        return None
    return assignment
