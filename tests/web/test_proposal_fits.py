"""Groupement fits read the matcher's explicit relevance (issue #9, item 8)."""

import pytest

from app.services.consortia.proposals import fit_from_score, lot_fits
from matching.types import Suggestion


def suggestion(doc_id: str, score: float, relevance: float, sparse: float,
               dense: float) -> Suggestion:
    return Suggestion(doc_id, score, {"sparse": sparse, "dense": dense}, relevance=relevance)


def test_fit_swaps_the_relevance_for_the_one_over_every_supplier():
    # Reserved lot: the lone eligible supplier is « the best » among eligible ones (relevance 1)
    # but half as good as the best supplier overall on BM25.
    reference = [suggestion("best", 1.2, 1.0, 10.0, 0.9),
                 suggestion("siae", 1.1, 0.7, 5.0, 0.9)]
    reserved = [suggestion("siae", 1.4, 1.0, 5.0, 0.9)]
    fits = lot_fits(reserved, reference, {})
    structured = 1.4 - 1.0
    assert fits == {"siae": fit_from_score(structured + (0.5 + 1.0) / 2)}
    assert fits["siae"] < fit_from_score(1.4)


def test_unreserved_fit_is_the_score_rescaled():
    hits = [suggestion("a", 1.15, 1.0, 8.0, 0.88), suggestion("b", 0.8, 0.5, 4.0, 0.44)]
    fits = lot_fits(hits, hits, {})
    assert fits["a"] == fit_from_score(1.15)
    assert fits["b"] == pytest.approx(fit_from_score(0.8), abs=1e-3)


def test_the_departement_lifts_no_fit():
    """Every organisation of the metropolis is based in the département of execution: a
    learned weight for that says nothing of its trade and must not raise its fit."""
    local = Suggestion("a", 0.8 + 1.7, {"sparse": 4.0, "dense": 0.44, "same_departement": 1.0},
                       relevance=0.5)
    best = suggestion("b", 1.15, 1.0, 8.0, 0.88)
    fits = lot_fits([local, best], [local, best], {"same_departement": 1.7})
    assert fits["a"] == pytest.approx(fit_from_score(0.8), abs=1e-3)
