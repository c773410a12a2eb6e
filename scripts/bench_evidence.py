"""How much each evidence signal adds over BM25 on a BEIR set (an ablation, not a ranker).

Usage: .venv/bin/python scripts/bench_evidence.py DATASET_DIR [--weight 0.3]

Candidates: plain BM25's top 100, the top 100 by past-contract subjects (``ReferenceText``)
and every past holder of the tender's buyer. Each candidate gets ``bm25`` (divided by the
query's best) and the ``matching.evidence`` signals; rankings are then BM25 + w · one signal,
and one hand-set mix of all of them (weights written below, set a priori, not fitted). Run it on
a validation set; the learned ranker (issue #10, part 3) fits these weights instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from statistics import fmean

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.dataset import Dataset, load_dataset  # noqa: E402
from matching.evidence import SIGNALS, ReferenceText, evidence, values  # noqa: E402
from matching.metrics import all_metrics  # noqa: E402
from matching.sparse import BM25, plain_analyzer, top_k  # noqa: E402

POOL = 100
FIGURES = ("recall@10", "mrr@10", "hit@1", "hit@5")
MIX = {"bm25": 0.5, "reference_text": 1.0, "cpv_history": 0.3, "buyer_familiarity": 0.5,
       "worked_in_departement": 0.3, "recency": 0.1, "same_departement": 0.2,
       "proximity": 0.2, "naf_cpv": 0.3}
Rows = list[tuple[str, dict[str, dict[str, float]]]]


def feature_rows(data: Dataset) -> Rows:
    """(query id, {candidate: {feature: value}}) for every judged query."""
    profiles = {p.id: p for p in data.profiles}
    bm25 = BM25(plain_analyzer)
    bm25.upsert(list(profiles), [p.full_text for p in profiles.values()])
    subjects = ReferenceText().fit(data.profiles)
    by_buyer: dict[str, set[str]] = defaultdict(set)
    for profile in data.profiles:
        for ref in profile.references:
            if ref.buyer:
                by_buyer[ref.buyer[:9]].add(profile.id)
    rows = []
    for need in data.needs:
        if need.id not in data.qrels:
            continue
        pool = dict(top_k(bm25.scores(need.full_text), bm25.ids, POOL, lambda _: True))
        text = subjects.scores(need.full_text)
        for doc_id, _ in sorted(text.items(), key=lambda kv: (-kv[1], kv[0]))[:POOL]:
            pool.setdefault(doc_id, 0.0)
        for doc_id in sorted(by_buyer.get((need.buyer or "")[:9], ())):
            pool.setdefault(doc_id, 0.0)
        best = max(pool.values(), default=0.0) or 1.0
        features = {}
        for doc_id, score in pool.items():
            row = values(evidence(need, profiles[doc_id]))
            row.update(reference_text=text.get(doc_id, 0.0), bm25=score / best)
            features[doc_id] = row
        rows.append((need.id, features))
    return rows


def figures(rows: Rows, data: Dataset, weights: dict[str, float]) -> dict[str, float]:
    per_query = []
    for query_id, features in rows:
        def score(doc_id: str, features=features) -> float:
            return sum(w * features[doc_id].get(name, 0.0) for name, w in weights.items())
        ranked = sorted(features, key=lambda d: (-score(d), d))[:10]
        per_query.append(all_metrics(ranked, data.qrels[query_id]))
    return {f: round(fmean(q[f] for q in per_query), 3) for f in FIGURES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--weight", type=float, default=0.3, help="w of one signal over BM25")
    args = parser.parse_args(argv)
    data = load_dataset(args.dataset)
    start = time.perf_counter()
    rows = feature_rows(data)
    in_pool = sum(any(d in features for d in data.qrels[q]) for q, features in rows)
    print(f"{len(rows)} queries, {len(data.profiles)} profiles; a winner among the candidates "
          f"for {in_pool} ({in_pool / max(1, len(rows)):.1%}); features in "
          f"{time.perf_counter() - start:.0f} s")
    print(f"{'ranking':<34}" + "".join(f"{f:>11}" for f in FIGURES))
    lines = [("bm25", {"bm25": 1.0}), ("reference_text alone", {"reference_text": 1.0})]
    lines += [(f"bm25 + {args.weight} {name}", {"bm25": 1.0, name: args.weight})
              for name in SIGNALS]
    lines.append(("hand-set mix of all", MIX))
    for label, weights in lines:
        result = figures(rows, data, weights)
        print(f"{label:<34}" + "".join(f"{result[f]:>11.3f}" for f in FIGURES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
