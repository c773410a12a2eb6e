"""The public directory: filters, pagination, htmx fragment, organisation page."""

import pytest

from tests.factories import (
    REZE,
    make_directory,
    make_organisation,
    make_posting,
    next_page_link,
    page_of,
)

HTMX = {"HX-Request": "true"}


@pytest.fixture
def directory(db):
    return make_directory(db)


def test_directory_lists_every_organisation_to_anonymous_visitors(client, directory):
    page = page_of(client, "/annuaire/")
    assert "<html" in page
    assert "3 organisations trouvées" in page
    for organisation in directory.values():
        assert f"/annuaire/{organisation.id}" in page


@pytest.mark.parametrize(("query", "included", "excluded"), [
    ("filiere=reemploi", {"ressourcerie"}, {"chantier", "mairie"}),
    (f"commune={REZE}", {"chantier", "mairie"}, {"ressourcerie"}),
    ("forme=aci", {"chantier"}, {"ressourcerie", "mairie"}),
    ("type=public_buyer", {"mairie"}, {"ressourcerie", "chantier"}),
    ("esus=y", {"ressourcerie"}, {"chantier", "mairie"}),
    ("siae=y&qpv=y", {"chantier"}, {"ressourcerie", "mairie"}),
    ("q=SECONDE+main", {"ressourcerie"}, {"chantier", "mairie"}),
    ("q=bâtir", {"chantier"}, {"ressourcerie", "mairie"}),
    (f"commune={REZE}&type=ess", {"chantier"}, {"ressourcerie", "mairie"}),
])
def test_filters_include_and_exclude(client, directory, query, included, excluded):
    page = page_of(client, f"/annuaire/?{query}")
    for key in included:
        assert f'href="/annuaire/{directory[key].id}"' in page, key
    for key in excluded:
        assert f'href="/annuaire/{directory[key].id}"' not in page, key


def test_filter_form_keeps_the_chosen_values(client, directory):
    page = page_of(client, f"/annuaire/?filiere=reemploi&commune={REZE}&esus=y&q=atelier")
    assert '<option selected value="reemploi">' in page
    assert f'<option selected value="{REZE}">' in page
    assert 'value="atelier"' in page
    assert 'checked id="esus"' in page


def test_commune_select_offers_the_24_communes_of_the_metropole(client, db):
    page = page_of(client, "/annuaire/")
    select = page.split('id="commune"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 25  # "Toutes les communes" + 24
    assert "Rezé" in select and "Saint-Herblain" in select


def test_text_search_treats_percent_literally(client, db):
    make_organisation(db, "Coopérative 100% locale")
    make_organisation(db, "Coopérative voisine")
    page = page_of(client, "/annuaire/?q=100%25")
    assert "Coopérative 100% locale" in page
    assert "Coopérative voisine" not in page


def _listed(page: str, organisations) -> set[str]:
    return {key for key, org in organisations.items() if f'href="/annuaire/{org.id}"' in page}


def test_keywords_ignore_accents_case_and_hyphens(client, db):
    found = {
        "accent": make_organisation(db, "Atelier du réemploi", description="Meubles."),
        "hyphen": make_organisation(db, "Répar'Café", description="Ateliers de ré-emploi."),
        "capitals": make_organisation(db, "RÉEMPLOI SOLIDAIRE"),
        "elsewhere": make_organisation(db, "Épicerie", description="Emploi et insertion."),
    }
    expected = {"accent", "hyphen", "capitals"}
    for q in ("réemploi", "reemploi", "Ré-emploi", "REEMPLOI", "  re-EMPLOI "):
        assert _listed(page_of(client, f"/annuaire/?q={q}"), found) == expected, q


def test_keywords_must_all_appear_folded(client, db):
    found = {
        "both": make_organisation(db, "Traiteur bio", description="Repas en insertion."),
        "one": make_organisation(db, "Traiteur de quartier"),
    }
    assert _listed(page_of(client, "/annuaire/?q=TRAITEUR+Bio"), found) == {"both"}
    assert _listed(page_of(client, "/annuaire/?q=l%E2%80%99insertion"), found) == {"both"}
    assert _listed(page_of(client, "/annuaire/?q=traiteur&filiere=sante"), found) == set()


def test_keywords_follow_an_edited_description(client, db):
    organisation = make_organisation(db, "Atelier", description="Réparation de vélos.")
    assert f'href="/annuaire/{organisation.id}"' in page_of(client, "/annuaire/?q=velo")
    organisation.description = "Menuiserie et ébénisterie."
    db.commit()
    assert f'href="/annuaire/{organisation.id}"' not in page_of(client, "/annuaire/?q=velo")
    assert f'href="/annuaire/{organisation.id}"' in page_of(client, "/annuaire/?q=ebeniste")


def test_empty_result_tells_the_user_what_to_do(client, directory):
    page = page_of(client, "/annuaire/?filiere=sante")
    assert "Aucune organisation ne correspond à ces critères" in page
    assert "Retirez un filtre" in page


def test_pagination_keeps_filters(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for letter in "ABCDE":
        make_organisation(db, f"Structure {letter}", filieres=["reemploi"])
    make_organisation(db, "Hors filière")
    first = page_of(client, "/annuaire/?filiere=reemploi")
    assert "Page 1 sur 3" in first and "Structure A" in first and "Structure C" not in first
    assert "page=2" in next_page_link(first) and "filiere=reemploi" in next_page_link(first)
    last = page_of(client, "/annuaire/?filiere=reemploi&page=3")
    assert "Structure E" in last and "Structure A" not in last and "Hors filière" not in last


def test_htmx_request_gets_only_the_results_partial(client, directory):
    response = client.get("/annuaire/?filiere=reemploi", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<form" not in fragment
    assert "Ressourcerie de l&#39;île" in fragment and "Bâtir" not in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_history_restore_gets_the_full_page(client, directory):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "<html" in page_of(client, "/annuaire/", headers=headers)


def test_full_page_has_live_filter_form(client, directory):
    page = page_of(client, "/annuaire/")
    assert 'hx-get="/annuaire/"' in page and 'hx-push-url="true"' in page
    assert 'hx-target="#organisation-results"' in page
    assert '<label for="filiere">Filière</label>' in page


@pytest.mark.parametrize("query", [
    "page=abc", "page=-3", "page=999999", "filiere=inconnue", "commune=zzz", "forme=%3Cb%3E",
    "type=alien", "esus=maybe", "q=" + "x" * 5000, "filiere=reemploi&filiere=sante",
])
def test_invalid_filters_never_break_the_page(client, directory, query):
    page = page_of(client, f"/annuaire/?{query}")
    assert "organisation" in page


def test_unknown_filter_value_is_ignored_with_a_french_message(client, directory):
    page = page_of(client, "/annuaire/?commune=zzz")
    assert "Valeur inconnue : ce filtre est ignoré." in page
    assert "3 organisations trouvées" in page


def test_names_are_escaped(client, db):
    organisation = make_organisation(db, "<script>alert(1)</script>",
                                     description="<img src=x onerror=alert(2)>")
    for url in ("/annuaire/", f"/annuaire/{organisation.id}"):
        page = page_of(client, url)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_organisation_page_shows_public_profile_but_not_contact_details(client, db):
    organisation = make_organisation(
        db, "Ressourcerie de l'île", filieres=["reemploi"], legal_form_code="association",
        esus=True, headcount=12, website="https://ressourcerie.example", sdg=[12, 8],
        email="contact@ressourcerie.example", phone="02 40 00 00 00",
        address="3 rue Secrète", description="Collecte et revente.")
    page = page_of(client, f"/annuaire/{organisation.id}")
    for expected in ("Ressourcerie de l&#39;île", "Collecte et revente.", "Réemploi",
                     "Association loi 1901", "Agrément ESUS", "Nantes", "12 salariés",
                     'href="https://ressourcerie.example"',
                     "Consommation et production responsables",
                     "Coordonnées visibles après mise en relation"):
        assert expected in page, expected
    for secret in ("contact@ressourcerie.example", "02 40 00 00 00", "3 rue Secrète"):
        assert secret not in page


def test_organisation_page_never_links_a_javascript_website(client, db):
    organisation = make_organisation(db, "Piège", website="javascript:alert(1)")
    page = page_of(client, f"/annuaire/{organisation.id}")
    assert 'href="javascript:' not in page


def test_organisation_page_lists_only_its_published_postings(client, db):
    organisation = make_organisation(db, "Ressourcerie")
    make_posting(db, organisation, "Collecte de meubles")
    make_posting(db, organisation, "Projet secret", status="draft")
    make_posting(db, organisation, "Ancien marché", status="closed")
    page = page_of(client, f"/annuaire/{organisation.id}")
    assert "Collecte de meubles" in page
    assert "Projet secret" not in page and "Ancien marché" not in page


def test_unknown_organisation_is_404(client, db):
    response = client.get("/annuaire/999999")
    assert response.status_code == 404
    assert "Cette page n&#39;existe pas" in response.get_data(as_text=True)


def test_home_counts_organisations_and_published_postings_only(client, db, directory):
    owner = directory["mairie"]
    make_posting(db, owner, "Besoin publié")
    make_posting(db, owner, "Besoin en brouillon", status="draft")
    make_posting(db, owner, "Offre publiée", direction="offer")
    make_posting(db, owner, "Offre close", direction="offer", status="closed")
    page = page_of(client, "/")
    assert "<strong>3</strong> organisations" in page
    assert "<strong>1</strong> besoin publié" in page
    assert "<strong>1</strong> offre publiée" in page
    assert page.count('href="/annuaire/?filiere=') == 10  # the 10 filières


def test_reference_choices_are_read_once_per_process_and_shared_read_only(db):
    from sqlalchemy import event

    from app.services.directory import REFERENCES, reference_choices

    REFERENCES.clear()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        first = reference_choices(db)
        read = len(statements)
        again = reference_choices(db)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
    assert read == 4 and len(statements) == read and again is first
    assert len(first.communes) == 24 and first.filieres[0].name
    with pytest.raises(AttributeError):
        first.filieres[0].name = "changed"
