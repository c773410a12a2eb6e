"""Onboarding: create an organisation, join one, edit its profile and alerts, members page."""


import pytest
from sqlalchemy import select

from models import Membership, Notification, Organisation
from models.validators import with_luhn_key
from tests.factories import REZE, make_membership, make_organisation, new_siret, page_of, text

PASSWORD = "motdepasse-solide"
SIRET = with_luhn_key("5550000000001")


def form_data(**overrides) -> dict:
    values = {"kind": "ess", "name": "Ressourcerie des Dervallières", "siret": SIRET,
              "legal_form_code": "association", "commune_insee": "44109",
              "address": "12 rue des Dervallières", "headcount": "8",
              "description": "Collecte et revente d'objets de seconde main.",
              "email": "contact@ressourcerie.example", "phone": "02 40 00 00 00",
              "website": "https://ressourcerie.example", "filiere_ids": ["reemploi"],
              "sdg": ["11", "12"]}
    values.update(overrides)
    return values


@pytest.fixture
def user(auth):
    user = auth.create_user("awa@example.org", PASSWORD, name="Awa Diallo")
    auth.login("awa@example.org", PASSWORD)
    return user


@pytest.fixture
def owned(db, user):
    """An organisation `user` owns."""
    organisation = make_organisation(db, "Trocantons", siret=SIRET, commune_insee=REZE)
    make_membership(db, user.id, organisation, role="owner")
    return organisation


@pytest.mark.parametrize("url", [
    "/organisations/", "/organisations/nouvelle", "/organisations/rejoindre",
    "/organisations/notifications", "/organisations/1/modifier", "/organisations/1/membres",
    "/publier/", "/publier/nouvelle", "/publier/1/modifier", "/messages/", "/messages/1",
])
def test_private_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/compte/connexion")


def test_creating_an_organisation_makes_its_creator_owner(client, db, user):
    response = client.post("/organisations/nouvelle", data=form_data(legal_form_code="aci"))
    assert response.status_code == 302
    organisation = db.scalar(select(Organisation).where(Organisation.siret == SIRET))
    assert organisation.siae and not organisation.ea_esat  # from the legal form
    assert [f.id for f in organisation.filieres] == ["reemploi"]
    assert organisation.sdg == [11, 12] and organisation.headcount == 8
    membership = db.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.role, membership.status) == ("owner", "active")
    assert "Ressourcerie des Dervallières" in page_of(client, "/organisations/")


def test_commune_can_be_typed_by_name(client, db, user):
    client.post("/organisations/nouvelle", data=form_data(commune_insee="Rezé"))
    assert db.scalar(select(Organisation.commune_insee)) == REZE


@pytest.mark.parametrize("overrides, message", [
    ({"siret": "1234"}, "Le SIRET doit comporter exactement 14 chiffres."),
    ({"siret": "73282932000075"}, "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
    ({"commune_insee": "99999"}, "Commune inconnue : choisissez une commune de la liste."),
    ({"name": ""}, "Ce champ est obligatoire."),
    ({"headcount": "beaucoup"}, "N'est pas un entier valide."),
    ({"email": "pas-une-adresse"}, "Adresse e-mail invalide."),
    ({"website": "javascript://alert(1)"}, "Adresse web invalide : commencez par https://."),
    ({"legal_form_code": "inconnue"}, "N'est pas un choix valide."),
])
def test_invalid_organisation_is_explained_in_french_and_kept(client, db, user, overrides,
                                                              message):
    response = client.post("/organisations/nouvelle", data=form_data(**overrides))
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="12 rue des Dervallières"' in page
    assert db.scalar(select(Organisation)) is None


def test_taken_siret_offers_to_join(client, db, user):
    existing = make_organisation(db, "Trocantons", siret=SIRET)
    response = client.post("/organisations/nouvelle", data=form_data(name="Doublon"))
    page = text(response)
    assert response.status_code == 200
    assert "Ce SIRET est déjà enregistré sur Essaim" in page
    assert f'href="/organisations/{existing.id}/rejoindre"' in page
    assert 'value="Doublon"' in page


def test_join_request_accepted_by_the_owner(client, db, auth, owned):
    auth.logout()
    newcomer = auth.create_user("nouveau@example.org", PASSWORD, name="Nina")
    auth.login("nouveau@example.org", PASSWORD)
    found = client.post("/organisations/rejoindre", data={"siret": SIRET})
    assert found.location == f"/organisations/{owned.id}/rejoindre"
    assert "Demander à rejoindre" in page_of(client, found.location)
    assert client.post(found.location).status_code == 302
    assert "Demande en attente" in page_of(client, "/organisations/")
    assert client.get(f"/organisations/{owned.id}/membres").status_code == 403  # not yet

    notification = db.scalar(select(Notification).where(Notification.kind == "join_request"))
    assert notification.organisation_id == owned.id and "Nina" in notification.text
    auth.logout()
    auth.login("awa@example.org", PASSWORD)
    members = page_of(client, f"/organisations/{owned.id}/membres")
    assert "nouveau@example.org" in members and "Accepter" in members
    request_ = db.scalar(select(Membership).where(Membership.user_id == newcomer.id))
    client.post(f"/organisations/{owned.id}/membres/{request_.id}/accepter")
    db.expire_all()
    assert db.get(Membership, request_.id).status == "active"


def test_join_request_refused_is_deleted(client, db, auth, owned):
    other = auth.create_user("autre@example.org", PASSWORD)
    db.add(Membership(user_id=other.id, organisation_id=owned.id, status="pending"))
    db.commit()
    request_ = db.scalar(select(Membership).where(Membership.user_id == other.id))
    client.post(f"/organisations/{owned.id}/membres/{request_.id}/refuser")
    assert db.scalar(select(Membership.id).where(Membership.user_id == other.id)) is None


def test_second_join_request_is_refused_politely(client, db, auth, owned):
    page = client.post(f"/organisations/{owned.id}/rejoindre", follow_redirects=True)
    assert "Vous êtes déjà membre de cette organisation." in text(page)


def test_unknown_siret_to_join_is_explained(client, user):
    page = client.post("/organisations/rejoindre", data={"siret": new_siret()})
    assert "Aucune organisation n'est enregistrée avec ce SIRET" in text(page)


def test_owner_edits_the_prefilled_profile(client, db, owned):
    page = page_of(client, f"/organisations/{owned.id}/modifier")
    assert 'value="Trocantons"' in page and f'value="{SIRET}"' in page
    response = client.post(f"/organisations/{owned.id}/modifier",
                           data=form_data(name="Trocantons Rezé", siret=SIRET))
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Organisation, owned.id).name == "Trocantons Rezé"


def test_edit_refuses_a_siret_of_another_organisation(client, db, owned):
    other = make_organisation(db, "Autre")
    response = client.post(f"/organisations/{owned.id}/modifier",
                           data=form_data(siret=other.siret))
    assert response.status_code == 200
    assert "Ce SIRET est déjà enregistré pour une autre organisation." in text(response)


@pytest.mark.parametrize("page", ["modifier", "membres", "alertes"])
def test_members_and_outsiders_cannot_manage_an_organisation(client, db, auth, user, page):
    organisation = make_organisation(db, "Pas à moi")
    assert client.get(f"/organisations/{organisation.id}/{page}").status_code == 403
    make_membership(db, user.id, organisation, role="member")
    assert client.get(f"/organisations/{organisation.id}/{page}").status_code == 403
    assert client.get(f"/organisations/999999/{page}").status_code == 404


def test_alert_preferences(client, db, owned):
    response = client.post(f"/organisations/{owned.id}/alertes", data={
        "alert_frequency": "weekly", "alert_filieres": ["reemploi", "alimentation"]})
    assert response.status_code == 302
    db.expire_all()
    organisation = db.get(Organisation, owned.id)
    assert organisation.alert_frequency == "weekly"
    assert organisation.alert_filieres == ["reemploi", "alimentation"]
    invalid = client.post(f"/organisations/{owned.id}/alertes", data={"alert_frequency": "x"})
    assert invalid.status_code == 200 and "N'est pas un choix valide." in text(invalid)


def test_current_organisation_is_chosen_among_active_memberships(client, db, user, owned):
    other = make_organisation(db, "Autre structure")
    assert client.post("/organisations/courante", data={"organisation_id": other.id}
                       ).status_code == 403
    make_membership(db, user.id, other)
    client.post("/organisations/courante", data={"organisation_id": other.id})
    assert "Annonces de Autre structure" in page_of(client, "/publier/")
    assert "Annonces de Trocantons" in page_of(client, f"/publier/?org_id={owned.id}")


def test_notifications_page_counts_and_marks_read(client, db, owned):
    db.add_all([Notification(organisation_id=owned.id, kind="message", text="Bonjour",
                             url="/messages/"),
                Notification(organisation_id=owned.id, kind="message", text="Relance",
                             url="https://evil.example/")])
    db.commit()
    page = page_of(client, "/organisations/notifications")
    assert "Bonjour" in page and "2 non lue" in page
    first = db.scalar(select(Notification).where(Notification.text == "Bonjour"))
    assert client.post(f"/organisations/notifications/{first.id}").location == "/messages/"
    second = db.scalar(select(Notification).where(Notification.text == "Relance"))
    assert client.post(f"/organisations/notifications/{second.id}"
                      ).location == "/organisations/notifications"  # no open redirect
    client.post("/organisations/notifications/lues")
    assert "0 non lue" in page_of(client, "/organisations/notifications")


def test_notifications_of_other_organisations_are_hidden(client, db, user):
    stranger = make_organisation(db, "Inconnue")
    db.add(Notification(organisation_id=stranger.id, kind="message", text="Secret"))
    db.commit()
    notification = db.scalar(select(Notification))
    assert "Secret" not in page_of(client, "/organisations/notifications")
    assert client.post(f"/organisations/notifications/{notification.id}").status_code == 404
