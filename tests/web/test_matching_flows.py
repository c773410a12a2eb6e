"""Buyer and supplier sides of the suggestions, with the real engine and the real database."""

from datetime import date, timedelta

import pytest
from markupsafe import escape

from app.services.matching import ENGINE, POSTINGS_ENGINE
from app.services.organisations import OrganisationData, create_organisation
from models import Filiere, Membership, Posting
from models.validators import with_luhn_key

PASSWORD = "motdepasse-solide"

ORGS = {
    "buyer": dict(kind="public_buyer", name="Ville de Rezé", commune_insee="44143",
                  legal_form_code="commune", description="Commune de la métropole nantaise."),
    "siae_reuse": dict(kind="ess", name="Trocantons Rezé", commune_insee="44143",
                       legal_form_code="aci", filiere_ids=["reemploi"],
                       description="Atelier chantier d'insertion : collecte de meubles et "
                                   "d'objets, tri, réparation et revente en boutique solidaire."),
    "asso_reuse": dict(kind="ess", name="Ressourcerie de l'Erdre", commune_insee="44109",
                       legal_form_code="association", filiere_ids=["reemploi"],
                       description="Ressourcerie associative : collecte de mobilier, "
                                   "valorisation et vente d'occasion."),
    "siae_food": dict(kind="ess", name="Cuisine d'insertion", commune_insee="44162",
                      legal_form_code="ei", filiere_ids=["alimentation"],
                      description="Entreprise d'insertion de restauration : repas bio "
                                  "pour la restauration collective."),
    "cargo": dict(kind="ess", name="Coursiers à vélo", commune_insee="44109",
                  legal_form_code="scop", filiere_ids=["logistique-urbaine"],
                  description="Coopérative de cyclo-logistique : livraisons et collectes "
                              "en vélo-cargo dans le centre de Nantes."),
}


@pytest.fixture
def territory(db, auth):
    """Five organisations, one user per organisation, and a reserved tender of the buyer."""
    ENGINE.reset()
    POSTINGS_ENGINE.reset()
    users = {key: auth.create_user(f"{key}@example.org", PASSWORD) for key in ORGS}
    orgs = {}
    for number, (key, values) in enumerate(ORGS.items(), start=1):
        orgs[key] = create_organisation(db, OrganisationData(
            siret=with_luhn_key(f"44{number:011d}"), **values))
        db.add(Membership(user_id=users[key].id, organisation=orgs[key], role="owner"))
    tender = Posting(organisation=orgs["buyer"], direction="need", type="tender",
                     title="Collecte et réemploi du mobilier des écoles",
                     description="Collecte des meubles scolaires usagés, tri, réparation et "
                                 "remise en circulation.", commune_insee="44143",
                     reserved="siae", deadline=date.today() + timedelta(days=30))
    tender.filieres = [db.get(Filiere, "reemploi")]
    tender.publish()
    db.add(tender)
    db.commit()
    return orgs, tender


def login(auth, key):
    assert auth.login(f"{key}@example.org", PASSWORD).status_code == 302


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


def test_dismissed_supplier_never_comes_back(client, auth, db, territory):
    orgs, tender = territory
    login(auth, "buyer")
    client.get(f"/suggestions/besoin/{tender.id}")
    match = _match_of(db, tender, orgs["siae_reuse"])
    assert client.post(f"/suggestions/{match.id}/dismiss").status_code == 302
    page = client.get(f"/suggestions/besoin/{tender.id}").get_data(as_text=True)
    assert "Trocantons Rezé" not in page


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
