"""The processes that scripts/bench_scaling.py starts: readers, the BM25 builder, freshness.

Each role prints one JSON line when it has something to report, then (for long-lived roles)
waits until its standard input closes, so the parent can read its memory meanwhile.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "bench_scaling.py"
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                 "OMP_WAIT_POLICY": "PASSIVE"}
BENCH_MODEL = "bench-synthetic"
LOOKBACK = 200  # sequence numbers re-read below the head (late commits)
FORMS = ["L'association", "La SCOP", "La SCIC", "L'entreprise d'insertion", "L'ESAT",
         "L'atelier chantier d'insertion", "La coopérative"]


def role(name: str, work: Path, *extra: str, measure: bool = False) -> subprocess.Popen:
    """Start the bench script in a role; one thread, as one web process serves one query."""
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": f"{REPO / 'scripts'}:{REPO}"}
    argv = [sys.executable, str(SCRIPT), "--role", name, "--work", str(work), *extra]
    return subprocess.Popen(argv + (["--measure"] if measure else []), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)


def answer(process: subprocess.Popen) -> dict:
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"role {process.args[3]} died (exit {process.wait()})")
    return json.loads(line)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.stdin.close()
    for process in processes:
        process.wait(timeout=60)


def corpus_ids(n: int) -> list[str]:
    return [f"org:{i}" for i in range(n)]


def smaps(pid: int) -> dict[str, float]:
    """Rss, Pss and USS (Private_Clean + Private_Dirty) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return {"Rss": fields["Rss"], "Pss": fields["Pss"],
            "Uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def _rss() -> float:
    gc.collect()
    return smaps(os.getpid())["Rss"]


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [s for value in values for s in _strings(value)]


def _sentences() -> list[str]:
    """The demo generators' sentences (organisations and postings), long enough to say something."""
    files = sorted((REPO / "data" / "demo").glob("*/*.json"))
    found = [s for f in files for s in _strings(json.loads(f.read_text(encoding="utf-8")))]
    return sorted({s for s in found if len(s) > 40})


def _communes() -> list[str]:
    lines = (REPO / "data" / "communes_france_laposte2020.csv").read_text().splitlines()[1:]
    return sorted({line.split(",")[1].title() for line in lines})


def texts(count: int, sentences: int, seed: int) -> list[str]:
    """Profiles (or needs) of `sentences` demo sentences, placeholders filled nationally."""
    rng = np.random.default_rng(seed)
    pool, communes = _sentences(), _communes()
    out = []
    for i in range(count):
        commune = communes[rng.integers(len(communes))]
        text = " ".join(pool[j] for j in rng.choice(len(pool), sentences, replace=False))
        for hole, value in (("{Form}", FORMS[i % len(FORMS)]), ("{name}", f"Structure {i}"),
                            ("{place}", commune), ("{a_commune}", f"à {commune}"),
                            ("{de_commune}", f"de {commune}"), ("{owner}", "la collectivité")):
            text = text.replace(hole, value)
        out.append(text)
    return out


class MappedBM25:
    """BM25 weights written once by the builder and mapped read-only by each reader."""

    def __init__(self, directory: Path) -> None:
        from scipy import sparse

        from matching.sparse import make_analyzer

        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r")
                  for name in ("data", "indices", "indptr", "shape")}
        self.weights = sparse.csc_matrix(
            (arrays["data"], arrays["indices"], arrays["indptr"]),
            shape=tuple(int(x) for x in arrays["shape"]), copy=False)
        self.vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        self.analyzer = make_analyzer()

    def top(self, text: str, k: int) -> list[tuple[str, float]]:
        columns = sorted({self.vocab[t] for t in self.analyzer(text) if t in self.vocab})
        scores = np.asarray(self.weights[:, columns].sum(axis=1)).ravel()
        best = np.argpartition(-scores, k)[:k]
        return [(f"org:{i}", float(scores[i])) for i in best if scores[i] > 0]


@dataclass
class Reader:
    """What one reader process holds: a dense search, and for some modes BM25 and e5."""

    search: Callable | None = None
    bm25: MappedBM25 | None = None
    encoder: object | None = None

    def rank(self, vector: np.ndarray, text: str) -> list[str]:
        """A suggestion's retrieval: dense top-100 + BM25 top-100, CombSUM of scores."""
        if self.encoder is not None:  # free-text search: the query is encoded here
            vector = self.encoder.encode_queries([text])[0]
        fused: dict[str, float] = {}
        dense, lexical = self.search(vector, 100), self.bm25.top(text, 100)
        top = max((s for _, s in lexical), default=1.0)
        for id_, score in dense:
            fused[id_] = 0.6 * score
        for id_, score in lexical:
            fused[id_] = fused.get(id_, 0.0) + 0.4 * score / top
        return sorted(fused, key=fused.__getitem__, reverse=True)[:20]


def _open(mode: str, work: Path, nprobe: int) -> Reader:
    from matching.index import VectorIndex
    from matching.snapshot import LiveIndex, Snapshot

    if mode == "baseline":
        import scipy.sparse  # noqa: F401 - what every real reader imports anyway

        return Reader()
    if mode == "private-hnsw":
        index = VectorIndex.load(work / "hnsw")
        return Reader(lambda q, k: index.search(q, k)[0])
    live = LiveIndex(Snapshot(work / ("flat" if mode == "shared-flat" else "ivf"), nprobe))
    found = Reader(lambda q, k: live.search(q, k)[0])
    if "+bm25" in mode:
        found.bm25 = MappedBM25(work / "bm25")
    if mode.endswith("+e5"):
        from matching.encoder import get_encoder

        found.encoder = get_encoder()
    return found


def _timed_loop(call: Callable[[int], object], count: int) -> dict:
    walls = []
    cpu = time.process_time()
    for i in range(count):
        started = time.perf_counter()
        call(i)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu
    return {"p50": float(np.percentile(walls, 50) * 1000),
            "p95": float(np.percentile(walls, 95) * 1000), "qps_core": count / max(cpu, 1e-9)}


def warm_reader(mode: str, work: Path) -> tuple[Reader, np.ndarray, list[str]]:
    """Open a mode's index and run the warm-up queries through it."""
    settings = json.loads((work / "args.json").read_text())
    queries = np.load(work / "queries.npy")
    held = _open(mode, work, int(settings["nprobe"]))
    needs = texts(len(queries), 2, seed=5)
    if held.search is not None:
        for i in range(int(settings["warmup"])):
            j = i % len(queries)
            held.rank(queries[j], needs[j]) if held.bm25 else held.search(queries[j], 20)
    return held, queries, needs


def reader(args) -> None:
    """Open the mode's index, warm it up, optionally measure, report, wait for the end."""
    held, queries, needs = warm_reader(args.mode, args.work)
    out = {}
    if args.measure and held.search is not None:
        count = len(queries) // (5 if held.encoder else 1)  # encoding is ~100× slower
        out = _timed_loop(lambda i: held.search(queries[i], 20), len(queries))
        out["found"] = [[id_ for id_, _ in held.search(q, 20)] for q in queries[:100]]
        if held.bm25:
            unseen = texts(count, 2, seed=6)  # not in the warm-up: no query-cache hit
            ranked = _timed_loop(lambda i: held.rank(queries[i], unseen[i]), count)
            out.update(p50=ranked["p50"], p95=ranked["p95"], qps_core=ranked["qps_core"])
    print(json.dumps(out), flush=True)
    sys.stdin.read()


def bm25_build(args) -> None:
    """What each web process builds today (Profiles + BM25), measured, then written once."""
    from matching.sparse import BM25
    from matching.types import Profile

    n = int(json.loads((args.work / "args.json").read_text())["n"])
    corpus, ids = texts(n, 5, seed=1), corpus_ids(n)
    before = _rss()
    profiles = {i: Profile(id=i, text=t, filieres=frozenset({"reemploi"}), lat=47.2, lon=-1.5)
                for i, t in zip(ids, corpus, strict=True)}
    with_profiles = _rss()
    started = time.perf_counter()
    bm25 = BM25()
    bm25.upsert(ids, corpus)
    bm25.scores("réemploi")  # refit
    build_s = time.perf_counter() - started
    built = _rss()
    weights, target = bm25._weights, args.work / "bm25"
    target.mkdir()
    for name in ("data", "indices", "indptr"):
        np.save(target / f"{name}.npy", getattr(weights, name))
    np.save(target / "shape.npy", np.array(weights.shape))
    (target / "vocab.json").write_text(json.dumps(bm25._vocab), encoding="utf-8")
    matrix = sum(getattr(weights, a).nbytes for a in ("data", "indices", "indptr"))
    print(json.dumps({"build_s": build_s, "profiles_mb": with_profiles - before,
                      "bm25_mb": built - with_profiles, "matrix_mb": matrix / 2**20,
                      "nnz": int(weights.nnz), "vocab": len(bm25._vocab),
                      "profiles": len(profiles)}), flush=True)


@lru_cache
def engine(url: str, everything: bool = False):
    """The bench database's engine, with the tables it needs (all of them for the app)."""
    from sqlalchemy import create_engine

    from models import Base, OutboxEvent, ProfileChange, StoredVector

    created = create_engine(url)
    tables = None if everything else [t.__table__ for t in (ProfileChange, StoredVector,
                                                             OutboxEvent)]
    Base.metadata.create_all(created, tables=tables)
    return created


def store_and_log(session, key: str, vector: bytes):
    """What the worker does for a changed profile: store its vector, then log the change."""
    from sqlalchemy.dialects.postgresql import insert

    from models import ProfileChange, StoredVector

    session.execute(insert(StoredVector).values(
        model=BENCH_MODEL, text_hash=key_hash(key), vector=vector).on_conflict_do_update(
        index_elements=["model", "text_hash"], set_={"vector": vector}))
    change = ProfileChange(key=key)
    session.add(change)
    session.flush()
    return change


def key_hash(key: str) -> str:
    return hashlib.sha1(f"bench {key}".encode()).hexdigest()


def fresh_writer(args) -> None:
    """Commit one change (a vector and its change-log row) every 1/rate s; report commit times."""
    from sqlalchemy.orm import Session


    rng = np.random.default_rng(17 + args.index)
    n, rate = int(json.loads((args.work / "args.json").read_text())["n"]), args.rate / args.writers
    committed, start = {}, time.time() + args.index / args.rate  # writers interleave
    for i in range(int(args.seconds * rate)):
        time.sleep(max(0.0, start + i / rate - time.time()))
        key = f"org:{rng.integers(n)}"
        vector = rng.standard_normal(384).astype(np.float32).tobytes()
        with Session(engine(args.db)) as session:
            seq = store_and_log(session, key, vector).seq
            session.commit()
        committed[seq] = time.time()
    print(json.dumps(committed), flush=True)
    sys.stdin.read()


def fresh_reader(args) -> None:
    """Read the change log once a second, apply the new keys' stored vectors to the snapshot.

    Sequence numbers are taken at insert but become visible at commit: with concurrent writers
    a lower seq can appear after a higher one was read. The reader therefore re-reads a window
    of LOOKBACK sequence numbers below its head and counts such late arrivals."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from matching.snapshot import LiveIndex, Snapshot
    from models import ProfileChange, StoredVector

    live = LiveIndex(Snapshot(args.work / "ivf"))
    probe = np.load(args.work / "queries.npy")[:1]
    with Session(engine(args.db)) as session:
        last = session.scalar(select(func.max(ProfileChange.seq))) or 0
        seen = set(session.scalars(select(ProfileChange.seq).where(
            ProfileChange.seq > last - LOOKBACK)))
    print("{}", flush=True)
    applied, late, stop_at = {}, 0, time.time() + args.seconds + 4
    while time.time() < stop_at:
        time.sleep(1.0)
        with Session(engine(args.db)) as session:
            rows = [(seq, key) for seq, key in session.execute(
                select(ProfileChange.seq, ProfileChange.key).where(
                    ProfileChange.seq > last - LOOKBACK)) if seq not in seen]
            if not rows:
                continue
            late += sum(seq <= last for seq, _ in rows)
            keys = sorted({key for _, key in rows})
            hashes = [key_hash(k) for k in keys]
            stored = dict(session.execute(select(StoredVector.text_hash, StoredVector.vector)
                                          .where(StoredVector.model == BENCH_MODEL,
                                                 StoredVector.text_hash.in_(hashes))).all())
        vectors = [np.frombuffer(stored[key_hash(k)], np.float32) for k in keys]
        live.upsert(keys, np.vstack(vectors))
        live.search(probe, 20)  # the change now takes part in a suggestion
        done = time.time()
        applied.update((seq, done) for seq, _ in rows)
        seen.update(seq for seq, _ in rows)
        last = max(last, *(seq for seq, _ in rows))
    print(json.dumps({"applied": applied, "late": late}), flush=True)
    sys.stdin.read()


ROLES = {"reader": reader, "bm25-build": bm25_build, "fresh-writer": fresh_writer,
         "fresh-reader": fresh_reader}
