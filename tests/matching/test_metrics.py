import math

import pytest

from matching.metrics import mrr_at_k, ndcg_at_k, precision_at_k, recall_at_k

QRELS = {"a": 2, "b": 1, "c": 1}


def test_ndcg_with_graded_gains_by_hand():
    # ranking: x, b, a  → DCG = 0 + 1/log2(3) + 2/log2(4); ideal: a, b, c
    dcg = 1 / math.log2(3) + 2 / 2
    ideal = 2 + 1 / math.log2(3) + 1 / 2
    assert ndcg_at_k(["x", "b", "a"], QRELS) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["a", "b", "c"], QRELS) == pytest.approx(1.0)
    assert ndcg_at_k(["x"], {}) == 0.0


def test_recall_mrr_precision_by_hand():
    ranked = ["x", "y", "b", "z", "a", "c"]
    assert recall_at_k(ranked, QRELS, 5) == pytest.approx(2 / 3)
    assert mrr_at_k(ranked, QRELS) == pytest.approx(1 / 3)
    assert precision_at_k(ranked, QRELS, 5) == pytest.approx(2 / 5)
    assert mrr_at_k(["x", "y"], QRELS) == 0.0


def test_hit_at_k_by_hand():
    from matching.metrics import all_metrics, hit_at_k

    ranked = ["x", "y", "b", "z", "a", "c"]
    assert hit_at_k(ranked, QRELS, 1) == 0.0
    assert hit_at_k(ranked, QRELS, 3) == 1.0
    assert hit_at_k(["b"], QRELS, 5) == 1.0
    figures = all_metrics(ranked, QRELS)
    assert figures["hit@1"] == 0.0 and figures["hit@5"] == 1.0
