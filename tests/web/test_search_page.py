"""The search page: a visitor's query is not a need (issue #9, item 6), with the real engine."""

import pytest
from markupsafe import escape

from tests.factories import build_territory, page_of

NO_RESULT = "Aucun résultat pour"


@pytest.fixture
def territory(db, session_factory):
    return build_territory(session_factory)


def results(page: str) -> int:
    return page.count('<article class="card">')


@pytest.mark.parametrize("q", ["xyzzy", "qsdfghjk"])
def test_nonsense_gives_no_result_and_a_way_to_broaden(client, territory, q):
    page = page_of(client, f"/recherche/?q={q}")
    assert f"{NO_RESULT} « {q} »" in page and results(page) == 0
    assert "moins de mots" in page and "retirez un filtre" in page


def test_no_result_message_escapes_the_query(client, territory):
    page = page_of(client, "/recherche/?q=%3Cscript%3Exyzzy%3C/script%3E")
    assert "<script>xyzzy" not in page and escape("<script>xyzzy</script>") in page


@pytest.mark.parametrize(("q", "expected"), [
    ("réemploi", "Trocantons Rezé"),
    ("reemploi", "Trocantons Rezé"),
    ("repas bio", "Cuisine d&#39;insertion"),
    ("xyzzy menuiserie", "ESAT Les Ateliers du Bois"),
])
def test_real_words_find_organisations(client, territory, q, expected):
    page = page_of(client, f"/recherche/?q={q}")
    assert NO_RESULT not in page and expected in page


def test_best_hit_is_not_called_a_lookalike_of_the_visitor(client, territory):
    page = page_of(client, "/recherche/?q=Ressourcerie+associative+collecte+de+mobilier")
    first = page.split('<article class="card">')[1]
    assert escape("Ressourcerie de l'Erdre") in first
    assert "proche de la vôtre" not in page


def test_filters_that_exclude_every_match_suggest_removing_them(client, territory):
    page = page_of(client, "/recherche/?q=menuiserie&filiere=sante")
    assert NO_RESULT in page and "retirez un filtre" in page
