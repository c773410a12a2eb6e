"""Ranking metrics with graded relevance (trec_eval conventions: linear gains, log2 discount)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, int]


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], qrels: Qrels, k: int = 10) -> float:
    """nDCG@k: DCG of the ranking over DCG of the ideal ranking (0 when nothing is relevant)."""
    ideal = dcg(sorted((g for g in qrels.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([qrels.get(doc, 0) for doc in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], qrels: Qrels, k: int = 10) -> float:
    relevant = {doc for doc, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], qrels: Qrels, k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def precision_at_k(ranked: Sequence[str], qrels: Qrels, k: int = 5) -> float:
    return sum(1 for doc in ranked[:k] if qrels.get(doc, 0) > 0) / k


def hit_at_k(ranked: Sequence[str], qrels: Qrels, k: int = 1) -> float:
    """1 when a relevant document is among the first k (the winner-recommendation figure of
    García Rodríguez et al. 2020: first for 10.3 %, top 5 for 23.1 % of tenders)."""
    return 1.0 if any(qrels.get(doc, 0) > 0 for doc in ranked[:k]) else 0.0


def all_metrics(ranked: Sequence[str], qrels: Qrels) -> dict[str, float]:
    """The benchmark's figures for one query."""
    return {"ndcg@10": ndcg_at_k(ranked, qrels, 10), "recall@10": recall_at_k(ranked, qrels, 10),
            "mrr@10": mrr_at_k(ranked, qrels, 10), "p@5": precision_at_k(ranked, qrels, 5),
            "hit@1": hit_at_k(ranked, qrels, 1), "hit@5": hit_at_k(ranked, qrels, 5)}
