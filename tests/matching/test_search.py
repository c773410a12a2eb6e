"""Search is its own kind of query; stored vectors spare the encoder (issue #9, items 5-6)."""

import numpy as np
import pytest
from matching_corpus import place, small_corpus

from matching.api import Matcher
from matching.types import Need, SearchFilters

NONSENSE = ["xyzzy", "qsdfghjk", "wxcvbn azerty"]


def test_best_search_hit_is_not_penalised_as_a_lookalike(matcher):
    found = matcher.search("Ressourcerie associative : collecte de meubles", k=3)
    assert found[0].id == "recyclerie"
    assert all("duplicate" not in s.components for s in found)
    assert all("proche de la vôtre" not in s.explanation for s in found)


def test_search_keeps_public_buyers_and_ranks_by_the_recipe(matcher):
    found = matcher.search("locaux vacants pour les associations", k=3)
    assert found[0].id == "ville"  # a directory search, not a tender: buyers are found
    for s in found:
        assert s.relevance == s.components["fused"]
        assert s.score == pytest.approx(matcher.ranker.score(s.components), abs=1e-3)


@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_finds_nothing(matcher, text):
    assert matcher.search(text, k=10) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("réemploi", {"paris", "recyclerie", "insertion"}),
    ("Ré-emploi", {"paris"}),
    ("buffet", {"traiteur"}),
    ("xyzzy réparation", {"repair"}),
])
def test_real_words_still_find(matcher, text, expected):
    assert {s.id for s in matcher.search(text, k=3)} & expected


def test_search_radius_and_filters_still_apply(matcher):
    near = matcher.search("mobilier de bureau", SearchFilters(commune="Rezé", max_km=10), k=10)
    assert near and "paris" not in [s.id for s in near]
    reserved = matcher.search("mobilier de bureau", SearchFilters(siae=True), k=10)
    assert [s.id for s in reserved] == ["insertion"]


class NoEncoder:
    """An encoder that must not be called: stored vectors are enough."""

    name, dim = "e5", 384

    def encode_queries(self, texts):
        raise AssertionError(f"query encoded on the read path: {texts}")

    def encode_passages(self, texts):
        raise AssertionError(f"passage encoded although its vector was given: {texts}")


def tender(**kw) -> Need:
    return Need(id="t", text="Enlèvement et réemploi de 400 postes de bureau",
                filieres=frozenset({"reemploi"}), lat=place("Rezé")["lat"],
                lon=place("Rezé")["lon"], **kw)


def test_stored_vectors_reproduce_the_suggestions_without_encoding(matcher):
    profiles = list(matcher.profiles.values())
    stored = Matcher(NoEncoder())
    stored.upsert(profiles, vectors=matcher.encode_profiles(profiles))
    vector = matcher.encode_need(tender())
    expected = matcher.suggest_suppliers(tender(), k=5)
    for found in (stored.suggest_suppliers(tender(), k=5, query_vector=vector),
                  stored.suggest_suppliers(tender(vector=vector), k=5)):
        assert [(s.id, s.score) for s in found] == [(s.id, s.score) for s in expected]


def test_partner_vector_is_the_focused_request(matcher):
    request = Need(id="p", type="partnership", filieres=frozenset({"reemploi"}),
                   text="Recyclerie associative, nous cherchons un partenaire pour réparer "
                        "des lampes avec les habitants.")
    vector = matcher.encode_need(request)
    assert np.allclose(vector, matcher.encoder.encode_queries(
        ["nous cherchons un partenaire pour réparer des lampes avec les habitants."])[0])
    direct = matcher.suggest_partners(request, k=4)
    stored = Matcher(NoEncoder())
    stored.upsert(list(matcher.profiles.values()),
                  vectors=matcher.encode_profiles(matcher.profiles.values()))
    assert ([s.id for s in stored.suggest_partners(request, k=4, query_vector=vector)]
            == [s.id for s in direct])


def test_upsert_refuses_vectors_that_do_not_fit_and_changes_nothing():
    matcher = Matcher(NoEncoder())
    with pytest.raises(ValueError, match="2 vectors of dimension 384 for 1 profiles"):
        matcher.upsert(small_corpus()[:1], vectors=np.ones((2, 384)))
    matcher.upsert(small_corpus()[:1], vectors=np.ones((1, 384)))
    with pytest.raises(ValueError, match="dimension 384 expected"):
        matcher.upsert(small_corpus()[1:2], vectors=np.ones((1, 8)))
    assert list(matcher.profiles) == [small_corpus()[0].id] and len(matcher.index) == 1
