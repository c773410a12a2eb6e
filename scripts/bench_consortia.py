"""Benchmark the groupement builder on seeded synthetic tenders (exact vs heuristic).

Usage: .venv/bin/python scripts/bench_consortia.py [--sizes 5x100,10x200] [--seeds 3]
       [--proposals 3] [--topk 5,12,30] (the last one adds the pre-filter study)
Prints markdown tables (paste into docs/benchmarks.md, section "Collective bids (consortia)").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.consortia import ConsortiumOptions, ConsortiumResult, build_consortia  # noqa: E402
from matching.consortia.synthetic import synthetic_instance  # noqa: E402

DEFAULT_SIZES = "5x100,10x200,20x500,30x1000,50x5000"


@dataclass(frozen=True)
class Run:
    result: ConsortiumResult
    seconds: float

    @property
    def best(self) -> float:
        return self.result.proposals[0].objective if self.result.proposals else float("nan")

    @property
    def proven(self) -> bool:
        return all(p.proven_optimal for p in self.result.proposals)


def run(size: tuple[int, int], seed: int, options: ConsortiumOptions) -> Run:
    tender, candidates = synthetic_instance(*size, seed=seed)
    start = time.perf_counter()
    result = build_consortia(tender, candidates, options)
    return Run(result, time.perf_counter() - start)


def _gap(exact: Run, heuristic: Run) -> float:
    return 100 * (exact.best - heuristic.best) / abs(exact.best)


def _row(size: tuple[int, int], exact: list[Run], heur: list[Run]) -> str:
    ok = [e.result.feasible and h.result.feasible for e, h in zip(exact, heur, strict=True)]
    gaps = [_gap(e, h) for e, h, k in zip(exact, heur, ok, strict=True) if k]
    feasible = [r for r in exact if r.result.feasible]
    cells = [
        f"{size[0]}×{size[1]}", f"{sum(ok)}/{len(ok)}",
        f"{statistics.mean(r.best for r in feasible):.3f}" if feasible else "–",
        f"{sum(r.proven for r in feasible)}/{len(feasible)}",
        f"{max(r.seconds for r in exact):.2f}", f"{max(r.seconds for r in heur):.2f}",
        f"{statistics.mean(gaps):.2f}" if gaps else "–", f"{max(gaps):.2f}" if gaps else "–",
        f"{statistics.mean(len(r.result.proposals[0].members) for r in feasible):.1f}"
        if feasible else "–",
    ]
    return "| " + " | ".join(cells) + " |"


def main_table(sizes: list[tuple[int, int]], seeds: int, proposals: int) -> None:
    print(f"N = {proposals} proposals per tender, {seeds} seeds per size; latency = max over "
          "seeds, for all N proposals; gap = (exact - heuristic) / exact on the best proposal.\n")
    print("| lots×candidates | feasible | objective (exact) | proven optimal | exact s | "
          "heuristic s | mean gap % | max gap % | members |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        exact = [run(size, s, ConsortiumOptions(method="exact", n_proposals=proposals))
                 for s in range(seeds)]
        heur = [run(size, s, ConsortiumOptions(method="heuristic", n_proposals=proposals))
                for s in range(seeds)]
        print(_row(size, exact, heur), flush=True)


def topk_table(size: tuple[int, int], ks: list[int], seeds: int) -> None:
    print(f"\nPre-filter study, {size[0]}×{size[1]}, exact, 1 proposal, {seeds} seeds "
          "(K = candidates kept per lot; 'all' = no pre-filter):\n")
    print("| K | (member, lot) pairs | objective | loss vs all % | seconds |")
    print("|---|---|---|---|---|")
    full = [run(size, s, ConsortiumOptions(method="exact", n_proposals=1, top_k=10**6,
                                           time_limit_s=30)) for s in range(seeds)]
    for k in [*ks, 10**6]:
        runs = [run(size, s, ConsortiumOptions(method="exact", n_proposals=1, top_k=k,
                                               time_limit_s=30)) for s in range(seeds)]
        loss = statistics.mean(100 * (f.best - r.best) / abs(f.best)
                               for f, r in zip(full, runs, strict=True))
        label = "all" if k == 10**6 else str(k)
        print(f"| {label} | {_pairs(size, k)} | {statistics.mean(r.best for r in runs):.3f} | "
              f"{loss:.2f} | {max(r.seconds for r in runs):.2f} |", flush=True)


def _pairs(size: tuple[int, int], k: int) -> int:
    from matching.consortia.problem import build_problem, ranked_per_lot

    tender, candidates = synthetic_instance(*size, seed=0)
    options = ConsortiumOptions(top_k=k)
    return build_problem(tender, ranked_per_lot(tender, candidates, options.fit_threshold),
                         options).n_pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--proposals", type=int, default=3)
    parser.add_argument("--topk", default="", help="e.g. 5,12,30: add the pre-filter study")
    parser.add_argument("--topk-size", default="20x500")
    args = parser.parse_args()
    sizes = [tuple(map(int, s.split("x"))) for s in args.sizes.split(",")]
    main_table(sizes, args.seeds, args.proposals)
    if args.topk:
        size = tuple(map(int, args.topk_size.split("x")))
        topk_table(size, [int(k) for k in args.topk.split(",")], args.seeds)


if __name__ == "__main__":
    main()
