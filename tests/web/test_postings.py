"""Needs and offers: filtered lists, htmx fragment, posting page, drafts kept private."""

from datetime import date, timedelta

import pytest

from tests.factories import (
    REZE,
    make_membership,
    make_organisation,
    make_posting,
    next_page_link,
    page_of,
)

HTMX = {"HX-Request": "true"}
TODAY = date.today()


def link(posting) -> str:
    return f'href="/annonces/{posting.id}"'


@pytest.fixture
def buyer(db):
    return make_organisation(db, "Ville de Rezé", kind="public_buyer", commune_insee=REZE)


@pytest.fixture
def postings(db, buyer):
    """Needs that differ on every filter, plus an offer, a draft and a closed need."""
    supplier = make_organisation(db, "Ressourcerie de l'île")
    return {
        "tender": make_posting(
            db, buyer, "Entretien des espaces verts", type="tender", reserved="siae",
            filieres=["eco-construction"], levers=["commande"], insertion_hours=600,
            deadline=TODAY + timedelta(days=30), budget_min=40000, budget_max=80000),
        "lot_reserved": make_posting(
            db, buyer, "Rénovation d'une école", type="tender", deadline=TODAY + timedelta(days=10),
            lots=[{"number": 1, "title": "Peinture", "reserved": "ea_esat"}]),
        "expired": make_posting(
            db, buyer, "Collecte de meubles usagés", type="purchase", filieres=["reemploi"],
            deadline=TODAY - timedelta(days=1), commune_insee="44109"),
        "offer": make_posting(db, supplier, "Meubles de seconde main", direction="offer",
                              type="resource", filieres=["reemploi"]),
        "draft": make_posting(db, buyer, "Projet pas encore publié", status="draft"),
        "closed": make_posting(db, buyer, "Marché attribué", status="closed"),
    }


def test_needs_list_shows_only_published_needs(client, postings):
    page = page_of(client, "/annonces/")
    assert "<html" in page and "Besoins publiés" in page
    for key in ("tender", "lot_reserved", "expired"):
        assert link(postings[key]) in page, key
    for key in ("offer", "draft", "closed"):
        assert link(postings[key]) not in page, key


def test_offers_list_shows_only_offers(client, postings):
    page = page_of(client, "/annonces/?direction=offer")
    assert "Offres publiées" in page
    assert link(postings["offer"]) in page
    assert link(postings["tender"]) not in page


@pytest.mark.parametrize(("query", "included", "excluded"), [
    ("type=tender", {"tender", "lot_reserved"}, {"expired"}),
    ("filiere=reemploi", {"expired"}, {"tender", "lot_reserved"}),
    ("levier=commande", {"tender"}, {"lot_reserved", "expired"}),
    (f"commune={REZE}", {"tender", "lot_reserved"}, {"expired"}),
    ("reserve=siae", {"tender"}, {"lot_reserved", "expired"}),
    ("reserve=ea_esat", {"lot_reserved"}, {"tender", "expired"}),
    ("ouvert=y", {"tender", "lot_reserved"}, {"expired"}),
    ("q=ESPACES+verts", {"tender"}, {"lot_reserved", "expired"}),
    ("type=tender&ouvert=y&reserve=siae", {"tender"}, {"lot_reserved", "expired"}),
])
def test_filters_include_and_exclude(client, postings, query, included, excluded):
    page = page_of(client, f"/annonces/?direction=need&{query}")
    for key in included:
        assert link(postings[key]) in page, key
    for key in excluded:
        assert link(postings[key]) not in page, key


def test_card_shows_the_key_facts(client, postings):
    page = page_of(client, "/annonces/?type=tender&reserve=siae")
    deadline = TODAY + timedelta(days=30)
    for expected in ("Entretien des espaces verts", "Ville de Rezé", "Appel d&#39;offres",
                     "Rezé", "Réservé SIAE", "600 heures d'insertion",
                     "Éco-construction solidaire", str(deadline.year)):
        assert expected in page, expected
    assert "40" in page.split("Budget", 1)[1] and "80" in page.split("Budget", 1)[1]


def test_pagination_keeps_direction_and_filters(app, client, db, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for number in range(5):
        make_posting(db, buyer, f"Besoin numéro {number}", type="skills")
    make_posting(db, buyer, "Autre type", type="financing")
    first = page_of(client, "/annonces/?direction=need&type=skills")
    assert "Page 1 sur 3" in first and "Besoin numéro 4" in first and "Autre type" not in first
    next_link = next_page_link(first)
    assert "direction=need" in next_link and "type=skills" in next_link and "page=2" in next_link
    last = page_of(client, "/annonces/?direction=need&type=skills&page=3")
    assert "Besoin numéro 0" in last and "Besoin numéro 4" not in last


def test_htmx_request_gets_only_the_results_partial(client, postings):
    response = client.get("/annonces/?direction=need&filiere=reemploi", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<form" not in fragment
    assert link(postings["expired"]) in fragment and link(postings["tender"]) not in fragment


def test_empty_result_tells_the_user_what_to_do(client, postings):
    page = page_of(client, "/annonces/?filiere=sante")
    assert "Aucune annonce ne correspond à ces critères" in page


@pytest.mark.parametrize("query", [
    "direction=sideways", "page=abc", "page=0", "filiere=inconnue", "commune=zzz",
    "levier=%22%3E%3Cscript%3E", "reserve=none", "type=tender&type=alien", "ouvert=peut-etre",
    "q=%25%25%25",
])
def test_invalid_filters_never_break_the_page(client, postings, query):
    page = page_of(client, f"/annonces/?{query}")
    assert "annonce" in page.lower()
    assert '"><script>' not in page


def test_unknown_direction_falls_back_to_needs(client, postings):
    page = page_of(client, "/annonces/?direction=sideways")
    assert link(postings["tender"]) in page and link(postings["offer"]) not in page


def test_posting_page_shows_everything(client, db, buyer):
    posting = make_posting(
        db, buyer, "Nettoyage des locaux", type="tender", reserved="siae", insertion_hours=1200,
        deadline=date(2031, 3, 14), budget_min=10000, budget_max=25000, levers=["emploi"],
        filieres=["reemploi"], cpv_codes=["45000000"], description="Trois sites municipaux.",
        lots=[{"number": 1, "title": "Écoles", "description": "Six écoles.",
               "estimated_amount": 12000},
              {"number": 2, "title": "Gymnases", "reserved": "ea_esat"}])
    page = page_of(client, f"/annonces/{posting.id}")
    for expected in ("Nettoyage des locaux", "Trois sites municipaux.", "Lot 1 : Écoles",
                     "Six écoles.", "Lot 2 : Gymnases", "1\u202f200 heures d'insertion",
                     "art. L2113-13", "art. L2113-12", "45000000", "Travaux de construction",
                     "Emploi et insertion", "14 mars 2031", "Publiée",
                     f'href="/annuaire/{buyer.id}"', 'id="suggestions"'):
        assert expected in page, expected
    assert "12\u202f000" in page or "12 000" in page


def test_closed_posting_is_visible_with_its_status(client, postings):
    page = page_of(client, f"/annonces/{postings['closed'].id}")
    assert "Close" in page and "Attribuée" in page and "n'accepte plus de réponses" in page


def test_unknown_posting_is_404(client, db):
    assert client.get("/annonces/999999").status_code == 404


def test_draft_is_404_to_anonymous_and_to_other_organisations(client, auth, db, postings):
    url = f"/annonces/{postings['draft'].id}"
    assert client.get(url).status_code == 404
    outsider = auth.create_user("autre@example.org")
    make_membership(db, outsider.id, make_organisation(db, "Autre structure"))
    auth.login("autre@example.org")
    assert client.get(url).status_code == 404


def test_draft_is_visible_to_a_member_of_its_organisation(client, auth, db, buyer, postings):
    user = auth.create_user("agent@reze.example")
    make_membership(db, user.id, buyer)
    auth.login("agent@reze.example")
    page = page_of(client, f"/annonces/{postings['draft'].id}")
    assert "Projet pas encore publié" in page and "Brouillon" in page


def test_titles_are_escaped(client, db, buyer):
    posting = make_posting(db, buyer, "<script>alert(1)</script>")
    for url in ("/annonces/", f"/annonces/{posting.id}", f"/annuaire/{buyer.id}"):
        page = page_of(client, url)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
