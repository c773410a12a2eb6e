"""The learned ranker: pairwise logistic towards the hand-set recipe, shipped as a file."""

import json

import pytest
from matching_corpus import place, small_corpus

from matching.api import Matcher
from matching.features import FeatureTable
from matching.ranker import (
    HAND_SET,
    SHIPPED,
    Group,
    Ranker,
    figures,
    fit_pairwise,
    learn,
    load_ranker,
    read_ranker,
)
from matching.types import Need


def group(rows: list[dict[str, float]], winner: int) -> Group:
    ids = [f"d{i}" for i in range(len(rows))]
    return Group(FeatureTable(ids, rows), {ids[winner]: 1})


def test_learns_what_separates_winners_and_keeps_the_prior_elsewhere():
    # buyer familiarity picks the winner; text relevance is the same for everyone
    groups = [group([{"fused": 0.5, "buyer_familiarity": 0.0},
                     {"fused": 0.5, "buyer_familiarity": 0.5}], 1) for _ in range(20)]
    weights = fit_pairwise(groups, ["fused", "buyer_familiarity", "duplicate"], HAND_SET, 0.01)
    assert weights["buyer_familiarity"] > 1.0
    assert weights["duplicate"] == pytest.approx(HAND_SET.weights["duplicate"], abs=1e-6)
    ranker = learn(groups, ["fused", "buyer_familiarity"], 0.01)
    assert ranker.weights["fused"] == pytest.approx(1.0)  # relevance units
    assert figures(ranker, groups)["mrr@10"] == 1.0


def test_file_round_trip_and_precedence(tmp_path):
    path = tmp_path / "ranker.json"
    Ranker({"fused": 1.0, "recency": 0.2}, "test", {"trained_on": {"dev": 3}}).save(path)
    assert read_ranker(path).weights == {"fused": 1.0, "recency": 0.2}
    assert load_ranker(path).version == "test"
    fallback = load_ranker(tmp_path / "absent.json")
    assert fallback == (read_ranker(SHIPPED) if SHIPPED.is_file() else HAND_SET)
    path.write_text(json.dumps({"kind": "forest", "weights": {}}))
    with pytest.raises(ValueError):
        read_ranker(path)


def test_shipped_ranker_is_small_documented_and_ranks_sensibly():
    if not SHIPPED.is_file():
        pytest.skip("no shipped ranker")
    shipped = read_ranker(SHIPPED)
    assert SHIPPED.stat().st_size < 10_000 and shipped.meta.get("report")
    assert (SHIPPED.parent / shipped.meta["report"]).is_file()
    assert shipped.weights["fused"] == pytest.approx(1.0)
    m = Matcher(ranker=shipped).fit(small_corpus())
    at = place("Rezé")
    need = Need(id="n", text="Enlèvement de 400 postes de travail et réemploi du mobilier",
                filieres=frozenset({"reemploi"}), lat=at["lat"], lon=at["lon"])
    assert m.suggest_suppliers(need, k=1)[0].id in {"insertion", "recyclerie"}
