"""Buyer and supplier sides of the suggestions, with the real engine and the real database."""

from markupsafe import escape

from tests.factories import PASSWORD, email_of


def login(auth, key):
    assert auth.login(email_of(key), PASSWORD).status_code == 302


def test_anonymous_is_sent_to_login(client, territory):
    _, tender = territory
    response = client.get(f"/suggestions/besoin/{tender.id}")
    assert response.status_code == 302 and "/compte/connexion" in response.location


def test_non_member_cannot_see_a_needs_suggestions(client, auth, territory):
    _, tender = territory
    login(auth, "cargo")
    assert client.get(f"/suggestions/besoin/{tender.id}").status_code == 403


def test_reserved_tender_proposes_only_eligible_explained_suppliers(client, auth, territory):
    orgs, tender = territory
    login(auth, "buyer")
    response = client.get(f"/suggestions/besoin/{tender.id}", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "Trocantons Rezé" in page
    assert escape("Ressourcerie de l'Erdre") not in page  # not an SIAE: never proposed
    assert "Ville de Rezé" not in page  # the requester is never proposed
    assert "même filière : réemploi" in page and "SIAE" in page  # explained
    full = client.get(f"/suggestions/besoin/{tender.id}").get_data(as_text=True)
    assert "<html" in full and "Trocantons Rezé" in full


def test_dismissed_supplier_is_folded_away_until_restored(client, auth, db, territory):
    orgs, tender = territory
    login(auth, "buyer")
    client.get(f"/suggestions/besoin/{tender.id}")
    match = _match_of(db, tender, orgs["siae_reuse"])
    swapped = client.post(f"/suggestions/{match.id}/dismiss", headers={"HX-Request": "true"})
    assert "Suggestion écartée" in swapped.get_data(as_text=True)  # the screen changes
    assert "Rétablir" in swapped.get_data(as_text=True)
    page = client.get(f"/suggestions/besoin/{tender.id}").get_data(as_text=True)
    visible, folded = page.split("Suggestions écartées")
    assert "Trocantons Rezé" not in visible and "Trocantons Rezé" in folded
    assert client.post(f"/suggestions/{match.id}/restore").status_code == 302  # undo
    page = client.get(f"/suggestions/besoin/{tender.id}").get_data(as_text=True)
    assert "Suggestions écartées" not in page and "Trocantons Rezé" in page


def test_supplier_says_interested_and_buyer_sees_it(client, auth, db, territory):
    orgs, tender = territory
    login(auth, "buyer")
    client.get(f"/suggestions/besoin/{tender.id}")
    auth.logout()
    login(auth, "siae_reuse")
    board = client.get("/tableau-de-bord/").get_data(as_text=True)
    assert "Opportunités pour vous" in board and tender.title in board
    match = _match_of(db, tender, orgs["siae_reuse"])
    assert client.post(f"/suggestions/{match.id}/shortlist").status_code == 403  # buyer's action
    response = client.post(f"/suggestions/{match.id}/interested", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Intéressé" in response.get_data(as_text=True)
    auth.logout()
    login(auth, "buyer")
    board = client.get("/tableau-de-bord/").get_data(as_text=True)
    assert "1 intéressé" in board and "Trocantons Rezé" in board


def test_unknown_action_or_match(client, auth, territory):
    login(auth, "buyer")
    assert client.post("/suggestions/999999/shortlist").status_code == 404


def test_search_finds_by_meaning_and_filters(client, territory):
    page = client.get("/recherche/?q=recyclerie+meubles").get_data(as_text=True)
    assert escape("Ressourcerie de l'Erdre") in page and "Trocantons Rezé" in page
    filtered = client.get("/recherche/?q=recyclerie+meubles&siae=y").get_data(as_text=True)
    assert "Trocantons Rezé" in filtered and escape("Ressourcerie de l'Erdre") not in filtered
    partial = client.get("/recherche/?q=recyclerie", headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True)
    postings = client.get("/recherche/?q=mobilier+scolaire&sur=annonces").get_data(as_text=True)
    assert "Collecte et réemploi du mobilier des écoles" in postings


def test_search_rejects_nothing_with_a_500(client, territory):
    for query in ("?q=x&sur=zzz", "?q=x&page=abc", "?q=x&filiere=inconnue", "?commune=1"):
        assert client.get(f"/recherche/{query}").status_code == 200


def test_partners_are_complementary(client, territory):
    orgs, _ = territory
    page = client.get(f"/suggestions/partenaires/{orgs['siae_reuse'].id}").get_data(as_text=True)
    assert "Coursiers à vélo" in page  # reuse ↔ cargo-bike logistics: a value chain
    assert "Trocantons Rezé" not in page  # never itself


def _match_of(db, tender, organisation):
    from sqlalchemy import select

    from models import Match

    db.expire_all()
    return db.scalar(select(Match).where(Match.need_id == tender.id,
                                         Match.organisation_id == organisation.id))


def test_a_new_fitting_organisation_is_suggested_after_the_background_refresh(
        db, auth, territory, run_jobs):
    from app.services.organisations import OrganisationData, onboard_organisation
    from models.validators import with_luhn_key

    orgs, tender = territory
    owner = auth.create_user("nouvelle@example.org", PASSWORD)
    newcomer = onboard_organisation(db, OrganisationData(
        kind="ess", name="Recyclerie du Sillon", siret=with_luhn_key("4490000000001"),
        commune_insee="44143", legal_form_code="ei", filiere_ids=["reemploi"],
        description="Entreprise d'insertion : collecte, réparation et revente de meubles."),
        db.merge(owner))
    db.commit()
    assert _match_of(db, tender, newcomer) is None  # ranked by the queue, not the commit
    run_jobs()
    db.expire_all()
    assert _match_of(db, tender, newcomer) is not None
