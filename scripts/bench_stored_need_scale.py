"""Stored-need suggestion latency at scale for one checkout's engine (synthetic profiles).

    .venv/bin/python scripts/bench_stored_need_scale.py CHECKOUT [--size 100000] [--needs 200]
        [--departement 44]

Indexes ``--size`` profiles of ``scripts/bench_matching.py``'s generator with random unit vectors
(no encoding: the ranking path is measured, not e5), then ranks ``--needs`` needs with a stored
query vector (``suggest_suppliers(need, 20, query_vector=…)``) twice and prints the index build
time and the second pass's median and p95. Run it for two checkouts alternately in one session
to compare them on this shared machine (absolute times move with the neighbours' load).
``--departement`` places every profile and need in that département, as in the product (a
metropolis: all organisations share one), which the département candidates must survive.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

SCRIPTS = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkout", type=Path, help="repository whose matching/ is measured")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=200)
    parser.add_argument("--departement", default=None)
    args = parser.parse_args()
    sys.path[:0] = [str(args.checkout.resolve()), str(SCRIPTS)]
    import bench_matching as bm

    from matching.api import Matcher
    from matching.types import Need, Profile

    generated = bm.generate_profiles(args.size)
    profiles = [Profile(id=i, text=t, filieres=frozenset({f}), lat=float(c[0]), lon=float(c[1]),
                        departement=args.departement)
                for i, t, f, c in zip(generated.ids, generated.texts, generated.filieres,
                                      generated.coords, strict=True)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(args.size, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    matcher = Matcher(dense=True)
    start = time.perf_counter()
    matcher.upsert(profiles, vectors)
    build = time.perf_counter() - start
    needs = bm.generate_needs(args.needs)
    queries = rng.normal(size=(len(needs), 384)).astype(np.float32)

    def one_pass() -> list[float]:
        times = []
        for (text, filiere), query in zip(needs, queries, strict=True):
            need = Need(id="need", text=text, filieres=frozenset({filiere}), lat=47.218,
                        lon=-1.554, departement=args.departement)
            begin = time.perf_counter()
            matcher.suggest_suppliers(need, k=20, query_vector=query)
            times.append(1000 * (time.perf_counter() - begin))
        return sorted(times)

    one_pass()  # lazy fits (BM25, places, concepts) out of the measure
    times = one_pass()
    print(f"{args.checkout}: build {build:.1f} s, stored need median "
          f"{times[len(times) // 2]:.2f} ms, p95 {times[int(0.95 * len(times))]:.2f} ms")


if __name__ == "__main__":
    main()
