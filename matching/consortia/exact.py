"""Exact groupement search with OR-Tools CP-SAT on the pre-filtered pool.

Variables: x[i, l] (member i covers lot l), y[i] (i is in the groupement), radius (farthest
member's distance, whole km: few distinct values keep CP-SAT's encoding small), weak (no member
can lead). Every lot has exactly one holder, every
member holds at least one lot. Earlier proposals are excluded by no-good cuts so the next one
differs by at least `diversity` members (or reassigned lots). All coefficients are the float
objective of scoring.py scaled by SCALE and rounded.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matching.consortia.problem import Problem
from matching.consortia.scoring import Assignment

SCALE = 10_000


class ExactSolver:
    """CP-SAT model built once; `solve` may be called again after `exclude`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.x = {(i, li): self.model.NewBoolVar(f"x{i}_{li}")
                  for li, pairs in enumerate(problem.allowed) for i, _ in pairs}
        self.y = {i: self.model.NewBoolVar(f"y{i}") for i in sorted({i for i, _ in self.x})}
        self._link_members()
        self._side_constraints()
        self._objective()

    def _link_members(self) -> None:
        # Linear x <= y (not clauses) keeps the strong facility-location LP relaxation.
        for li, pairs in enumerate(self.problem.allowed):
            self.model.AddExactlyOne(self.x[i, li] for i, _ in pairs)
        self.held: dict[int, list[cp_model.IntVar]] = {i: [] for i in self.y}
        for (i, _), var in self.x.items():
            self.model.Add(var <= self.y[i])
            self.held[i].append(var)
        for i, vars_ in self.held.items():
            self.model.Add(sum(vars_) >= self.y[i])

    def _side_constraints(self) -> None:
        p, opts = self.problem, self.problem.options
        if p.tender.insertion_hours > 0:
            self.model.AddBoolOr([v for i, v in self.y.items() if p.social[i]])
        if opts.max_members is not None:
            self.model.Add(sum(self.y.values()) <= opts.max_members)
        if opts.max_lots_per_member is not None:
            for held in self.held.values():
                self.model.Add(sum(held) <= opts.max_lots_per_member)

    def _objective(self) -> None:
        p, w = self.problem, self.problem.options.weights
        dist = {i: p.radius_km[i] for i in self.y}
        self.radius = self.model.NewIntVar(0, max(dist.values(), default=0), "radius")
        for i, d in dist.items():
            self.model.Add(self.radius >= d).OnlyEnforceIf(self.y[i])
        self.weak = self.model.NewBoolVar("weak_lead")
        self.model.AddBoolOr([v for i, v in self.y.items() if p.lead_ok[i]] + [self.weak])
        terms = [round(f * SCALE) * self.x[i, li]
                 for li, pairs in enumerate(p.allowed) for i, f in pairs]
        terms += [-round(p.cost[i] * SCALE) * v for i, v in self.y.items()]
        terms.append(-round(w.radius_km * SCALE) * self.radius)
        terms.append(-round(w.weak_lead * SCALE) * self.weak)
        self.model.Maximize(sum(terms))

    def exclude(self, assignment: Assignment) -> None:
        """No-good cut: later solutions differ from `assignment` by at least `diversity`."""
        d = self.problem.options.diversity
        if self.problem.options.diversity_on == "lots":
            kept = [self.x[i, li] for li, i in enumerate(assignment)]
            self.model.Add(sum(kept) <= len(kept) - d)
            return
        chosen = set(assignment)
        self.model.Add(sum(1 - v if i in chosen else v for i, v in self.y.items()) >= d)

    def solve(self, time_limit_s: float,
              hint: Assignment | None = None) -> tuple[Assignment | None, bool]:
        """Best assignment within the time limit and whether it is proven (optimal/infeasible)."""
        self.model.ClearHints()
        if hint is not None:
            for (i, li), var in self.x.items():
                self.model.AddHint(var, hint[li] == i)
            for i, var in self.y.items():
                self.model.AddHint(var, i in hint)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(time_limit_s, 0.05)
        solver.parameters.num_workers = self.problem.options.workers
        # The LP relaxation of this facility-location model is tight, but CP-SAT only uses a
        # full LP (level 2) in its main worker: with 2 workers it could not prove 10 x 200.
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_probing_level = 0  # probing cost more than it saved (50x5000)
        solver.parameters.random_seed = self.problem.options.seed
        status = solver.Solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, status == cp_model.INFEASIBLE
        assignment = tuple(next(i for i, _ in pairs if solver.BooleanValue(self.x[i, li]))
                           for li, pairs in enumerate(self.problem.allowed))
        return assignment, status == cp_model.OPTIMAL
