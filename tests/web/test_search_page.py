"""The search page: a visitor's query is not a need (issue #9, item 6), with the real engine."""

import pytest
from markupsafe import escape

from models import Organisation
from tests.factories import build_territory, make_posting, page_of

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


def test_database_filters_narrow_the_engine_hits(client, territory):
    """Commune and legal form are checked in SQL on the hits' ids (issue #9, throughput)."""
    everywhere = page_of(client, "/recherche/?q=mobilier")
    assert escape("Ressourcerie de l'Erdre") in everywhere
    assert "ESAT Les Ateliers du Bois" in everywhere
    in_nantes = page_of(client, "/recherche/?q=mobilier&commune=44109")
    assert escape("Ressourcerie de l'Erdre") in in_nantes
    assert "ESAT Les Ateliers du Bois" not in in_nantes
    esat = page_of(client, "/recherche/?q=mobilier&forme=esat")
    assert "ESAT Les Ateliers du Bois" in esat and escape("Ressourcerie de l'Erdre") not in esat


def test_posting_search_tells_open_from_closed(client, db, territory):
    buyer = db.get(Organisation, territory["buyer"])
    make_posting(db, buyer, "Collecte du mobilier des écoles", filieres=["reemploi"],
                 description="Collecte et réemploi des chaises et tables scolaires.")
    make_posting(db, buyer, "Collecte du mobilier de la mairie", status="closed",
                 filieres=["reemploi"], description="Collecte et réemploi de bureaux.")
    url = "/recherche/?q=collecte+mobilier&sur=annonces"
    open_only = page_of(client, url)
    assert "des écoles" in open_only and "de la mairie" not in open_only
    closed = page_of(client, url + "&statut=closed")
    assert "de la mairie" in closed and "des écoles" not in closed
    both = page_of(client, url + "&statut=all")
    assert "de la mairie" in both and "des écoles" in both


def test_results_are_paginated_with_the_total(client, territory, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    first = page_of(client, "/recherche/?q=mobilier")
    total = int(first.split('<p class="muted">', 1)[1].split(" résultat", 1)[0])
    assert total >= 2 and results(first) == 1
    second = page_of(client, "/recherche/?q=mobilier&page=2")
    assert results(second) == 1 and second.split("<h2>")[1] != first.split("<h2>")[1]
