"""Beyond one machine, simulated here: memory per added web process, latency, freshness, rate.

Over a synthetic corpus (250k profiles, ``--quick``: 50k) this measures
a) the resident memory each added reader process costs, with (i) a private index per process
   (the app today: ``VectorIndex`` HNSW loaded in each process) against (ii) one snapshot
   written once and memory-mapped by every reader (``matching.snapshot``), read from
   /proc/<pid>/smaps_rollup (Rss, Pss, Private_*) after a warm-up of queries; then the real
   app's workers (``create_app`` + pages), each importing the app or forked from a preloaded
   master, with and without the mapped snapshot;
b) query latency p50/p95 (k=20, precomputed query vectors), one process, one thread;
c) freshness on PostgreSQL: 2 writer processes commit change-log rows (``profile_changes``)
   with their vectors (``stored_vectors``) at 20 writes/s in all, then the same through the
   outbox and Huey on Redis (db 5) with 2 worker processes; 2 readers poll the log once a
   second and apply the deltas to their mapped snapshot: time applied − time committed;
d) throughput of one reader on one core (dense top-100 + BM25 top-100 + fusion, and with the
   e5 encoding of a free-text query), and the per-process memory of BM25 from
   matching/sparse.py, private against a mapped matrix.

Vectors: the 714 real e5 vectors shipped with the demo (data/demo/vectors-e5.npz) are the pool;
every corpus and query vector is a mix of two pool vectors plus noise (as bench_matching.py).
Texts: sentences of the demo's generators recombined, with national commune names.
Process roles live in scaling_roles.py (readers, BM25, change log) and scaling_app.py (app
workers, Huey pipeline).

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_scaling.py          # ~11-15 min, 2 cores
    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_scaling.py --quick  # 50k, ~2-4 min
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "scripts")]

from bench_matching import derive_vectors, machine, timed  # noqa: E402
from scaling_roles import ROLES, answer, corpus_ids, role, smaps, stop  # noqa: E402

APP_ROLES = ("web", "web-master", "queue-writer")  # in scaling_app: imported only by them

MODES = {  # mode → what a reader process holds
    "baseline": "interpreter + numpy/faiss/scipy, no index",
    "private-hnsw": "(i) private VectorIndex (HNSW, what the app does today)",
    "shared-flat": "(ii) mapped matrix, exact search (numpy mmap)",
    "shared-ivf": "(ii) mapped IVFFlat snapshot (faiss IO_FLAG_MMAP)",
    "shared-ivf+bm25": "(ii) mapped IVFFlat + mapped BM25 matrix (a whole retriever)",
    "shared-ivf+bm25+e5": "(ii) the same + the e5 encoder, encoding each query (free text)",
}
APP_MODES = {
    "web": "the real app: create_app + 5 pages (one a search: e5 loaded), own imports",
    "web-preload": "the same, forked from a master that created the app and served each page "
                   "once (gunicorn --preload + gc.freeze; Σ includes the master)",
    "web-preload+snapshot": "the same, each worker also mapping the IVF snapshot and BM25 "
                            "matrix and serving the warm-up retrievals: the proposed design",
}
SNAPSHOT = "shared-ivf+bm25"
DESCRIPTIONS = {**MODES, **APP_MODES}


def prepare(work: Path, n: int, queries: int, nlist: int) -> dict:
    """The worker's part: corpus vectors, then every file the readers open."""
    from matching.index import VectorIndex
    from matching.snapshot import write_snapshot

    pool = np.load(REPO / "data" / "demo" / "vectors-e5.npz")["vectors"]
    vectors, ids = derive_vectors(pool, n), corpus_ids(n)
    np.save(work / "queries.npy", derive_vectors(pool, queries, seed=99))
    times = {}
    _, times["snapshot ivf"] = timed(lambda: write_snapshot(work / "ivf", ids, vectors, seq=0,
                                                           kind="ivf", nlist=nlist))
    _, times["snapshot flat"] = timed(lambda: write_snapshot(work / "flat", ids, vectors, seq=0,
                                                            kind="flat"))
    _, times["HNSW build + save"] = timed(
        lambda: VectorIndex.build(ids, vectors, approximate=True).save(work / "hnsw"))
    sizes = {name: sum(f.stat().st_size for f in (work / name).iterdir()) / 2**20
             for name in ("ivf", "flat", "hnsw")}
    return {"times": times, "sizes": sizes, "vectors": vectors}


def grow(add: Callable[[int], int], count: int, fixed: Sequence[int] = ()) -> list:
    """Add processes one by one; after each addition, the memory of every process."""
    pids, totals = list(fixed), []
    for i in range(count):
        pids.append(add(i))
        totals.append([smaps(pid) for pid in pids])
    return totals


def memory(work: Path, mode: str, readers: int) -> dict:
    """Readers of one mode; the first one also measures latency and throughput."""
    processes, first = [], {}

    def add(i: int) -> int:
        processes.append(role("reader", work, "--mode", mode, measure=i == 0))
        report = answer(processes[-1])
        first.update(report if i == 0 else {})
        return processes[-1].pid

    try:
        return {"mode": mode, "totals": grow(add, readers), "first": first}
    finally:
        stop(processes)


def web_memory(work: Path, db: str, count: int) -> list[dict]:
    """The real app's workers: each importing the app, then forked from a preloaded master."""
    spawned = []

    def spawn(_: int) -> int:
        spawned.append(role("web", work, "--db", db))
        answer(spawned[-1])
        return spawned[-1].pid

    try:
        rows = [{"mode": "web", "totals": grow(spawn, count), "first": {}}]
    finally:
        stop(spawned)
    for mode, extra in (("web-preload", []), ("web-preload+snapshot", ["--mode", SNAPSHOT])):
        master = role("web-master", work, "--db", db, *extra)

        def fork(_: int, master=master) -> int:
            master.stdin.write("fork\n")
            master.stdin.flush()
            return answer(master)["pid"]

        try:
            rows.append({"mode": mode, "totals": grow(fork, count, [answer(master)["pid"]]),
                         "first": {}})
        finally:
            stop([master])
    return rows


def recall(vectors: np.ndarray, queries: np.ndarray, found: list[list[str]]) -> float | None:
    if not found:
        return None
    truth = np.argsort(-(queries[:len(found)] @ vectors.T), axis=1)[:, :20]
    return float(np.mean([len({f"org:{i}" for i in t} & set(f)) / 20
                          for t, f in zip(truth.tolist(), found, strict=True)]))


def mb(value: float) -> str:
    return f"{value:,.0f}"


def memory_table(rows: list[dict]) -> list[str]:
    lines = ["| reader holds | 1st process PSS | Σ PSS 1 / 2 / 3 readers | marginal per added "
             "reader (PSS) | per reader at 3: RSS / USS | latency p50 / p95 (ms) | recall@20 "
             "| q/s per core |", "|" + " --- |" * 8]
    for row in rows:
        sums = [sum(p["Pss"] for p in total) for total in row["totals"]]
        last = row["totals"][-1]
        marginal = (sums[-1] - sums[0]) / max(len(sums) - 1, 1)
        first = row["first"]
        rec = "–" if first.get("recall") is None else f"{first['recall']:.3f}"
        lat = ("–" if "p50" not in first
               else f"{first['p50']:.2f} / {first['p95']:.2f}")
        rate = f"{first['qps_core']:,.0f}" if "qps_core" in first else "–"
        lines.append(
            f"| {row['mode']}: {DESCRIPTIONS[row['mode']]} | {mb(sums[0])} | "
            + " / ".join(mb(s) for s in sums) + f" | **{mb(marginal)}** | "
            f"{mb(np.mean([p['Rss'] for p in last]))} / "
            f"{mb(np.mean([p['Uss'] for p in last]))} | {lat} | {rec} | {rate} |")
    return lines


def report(args, prep: dict, rows: list[dict], bm25: dict, fresh: dict) -> str:
    times = ", ".join(f"{k} {v:.1f} s" for k, v in prep["times"].items())
    sizes = ", ".join(f"{k} {v:,.0f} MB" for k, v in prep["sizes"].items())
    out = [f"Machine: {machine()}.", f"Command: `{' '.join(['.venv/bin/python'] + sys.argv)}`.",
           f"Corpus: {args.n:,} profiles, 384-d vectors all derived from the 714 real e5 "
           "vectors of the demo (mix of two + noise), texts recombined from the demo's "
           "sentences with national commune names: SIMULATED, not real ESS data.",
           f"Worker side: {times}. Files: {sizes}. IVF nlist {args.nlist}, nprobe "
           f"{args.nprobe}. Readers run one thread each; memory after {args.warmup} warm-up "
           f"queries (MB, /proc/<pid>/smaps_rollup; USS = Private_Clean + Private_Dirty).", "",
           *memory_table(rows), "",
           f"BM25 (matching/sparse.py) over the {args.n:,} texts: build {bm25['build_s']:.0f} s; "
           f"private object in one process (tokens, surface forms, matrices) "
           f"**{mb(bm25['bm25_mb'])} MB** RSS; its weight matrix alone {mb(bm25['matrix_mb'])} "
           f"MB ({bm25['nnz']:,} non-zeros, vocabulary {bm25['vocab']:,}); the app's "
           f"`Profile` objects {mb(bm25['profiles_mb'])} MB per process."]
    for how, one in fresh.items():
        lags, queued = one["lags"], one.get("queued")
        out += ["", f"Freshness, {how} (PostgreSQL, {one['writes']} commits at "
                f"{one['rate']:.1f}/s, 2 readers polling once a second): committed → applied "
                f"in the reader's mapped snapshot + delta p50 **{np.percentile(lags, 50):.2f} s**, "
                f"p95 **{np.percentile(lags, 95):.2f} s**, max {lags.max():.2f} s; "
                f"{one['missed']} changes never applied; {one['late']} commits became "
                "visible below a sequence number a reader had already passed."
                + ("" if queued is None else " Commit → job done (queue + worker): p50 "
                   f"{np.percentile(queued, 50) * 1000:.0f} ms, "
                   f"p95 {np.percentile(queued, 95) * 1000:.0f} ms.")]
    return "\n".join(out)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50k profiles, fewer queries")
    parser.add_argument("--n", type=int)
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--queries", type=int)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--nlist", type=int)
    parser.add_argument("--nprobe", type=int, default=16)
    parser.add_argument("--db", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_scaling"))
    parser.add_argument("--seconds", type=float, help="writing time per freshness run")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=2, help="concurrent writer processes")
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--no-freshness", action="store_true")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temporary one)")
    parser.add_argument("--role", choices=sorted([*ROLES, *APP_ROLES]), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=sorted(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.n = args.n or (50_000 if args.quick else 250_000)
    args.queries = args.queries or (300 if args.quick else 1000)
    args.nlist = args.nlist or (256 if args.quick else 1024)
    args.seconds = args.seconds or (10.0 if args.quick else 20.0)
    return args


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scaling-", dir=args.work) as scratch:
        work = Path(scratch)
        (work / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}))
        print(f"preparing {args.n:,} profiles in {work} ...", file=sys.stderr)
        prep = prepare(work, args.n, args.queries, args.nlist)
        bm25_builder = role("bm25-build", work)
        bm25 = answer(bm25_builder)
        stop([bm25_builder])
        rows = []
        for mode in MODES:
            print(f"memory: {mode} ...", file=sys.stderr)
            rows.append(memory(work, mode, args.readers))
            rows[-1]["first"]["recall"] = recall(prep["vectors"], np.load(work / "queries.npy"),
                                                 rows[-1]["first"].pop("found", []))
        print("memory: the app's web processes ...", file=sys.stderr)
        rows += web_memory(work, args.db, args.readers)
        fresh = {}
        if not args.no_freshness:
            from scaling_app import freshness, queue_freshness

            print("freshness ...", file=sys.stderr)
            fresh[f"{args.writers} writer processes commit the change log directly"] = freshness(
                work, args.db, args.seconds, args.rate, args.writers)
            fresh["through the outbox and Huey on Redis, 2 worker processes"] = queue_freshness(
                work, args.db, args.seconds, args.rate)
        print(report(args, prep, rows, bm25, fresh))


def main() -> None:
    args = parse_args()
    if args.role in APP_ROLES:
        from scaling_app import ROLES as APP

        APP[args.role](args)
    elif args.role:
        ROLES[args.role](args)
    else:
        run(args)


if __name__ == "__main__":
    main()
