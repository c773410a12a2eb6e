"""Stored-need suggestion latency of two checkouts on the same set, interleaved in one run.

    .venv/bin/python scripts/bench_ranking_latency.py DATASET_DIR [--base ../main] [--rounds 3]

Each checkout's engine (imported from its own folder, in a child process) indexes the set,
encodes every query once (a stored need's vector, as the product keeps it), then ranks every
query ``suggest_suppliers(need, 20, query_vector=…)``; the rounds alternate between the two
checkouts so that the shared machine's load weighs on both alike. Prints the median and p95
milliseconds per query of each, and the ratio of medians (this checkout / base).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from matching.api import Matcher
from matching.dataset import load_dataset
data = load_dataset(sys.argv[2])
m = Matcher().fit(data.profiles)
needs = [n for n in data.needs if n.id in data.qrels]
vectors = {n.id: m.encode_need(n) for n in needs}
for n in needs[:5]:
    m.suggest_suppliers(n, 20, query_vector=vectors[n.id])  # warm-up (lazy fits)
times = []
for n in needs:
    start = time.perf_counter()
    m.suggest_suppliers(n, 20, query_vector=vectors[n.id])
    times.append(1000 * (time.perf_counter() - start))
print(json.dumps(times))
"""


def run(checkout: Path, dataset: Path) -> list[float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(dataset)],
                         check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--base", type=Path, default=ROOT.parent / "main")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    times: dict[str, list[float]] = {"base": [], "this": []}
    for _ in range(args.rounds):
        times["base"] += run(args.base.resolve(), args.dataset)
        times["this"] += run(ROOT, args.dataset)
    for name, values in times.items():
        print(f"{name:<5} median {median(values):6.2f} ms   p95 {p95(values):6.2f} ms   "
              f"({len(values)} requêtes)")
    print(f"ratio des médianes (ce checkout / base) : "
          f"{median(times['this']) / median(times['base']):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
