"""Publishing needs and offers: forms, French errors, the draft → published → closed lifecycle,
rights, and the automatic expiry of past deadlines."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.expiry import expire_past_deadlines
from models import Posting
from tests.factories import (
    REZE,
    make_membership,
    make_organisation,
    make_posting,
    new_siret,
    page_of,
    text,
)

PASSWORD = "motdepasse-solide"
TODAY = date.today()


@pytest.fixture
def buyer(db, auth):
    """A public buyer whose member is logged in."""
    user = auth.create_user("acheteur@example.org", PASSWORD)
    organisation = make_organisation(db, "Ville de Rezé", kind="public_buyer",
                                     commune_insee=REZE)
    make_membership(db, user.id, organisation, role="owner")
    auth.login("acheteur@example.org", PASSWORD)
    return organisation


def tender(**overrides) -> dict:
    values = {"direction": "need", "type": "tender", "title": "Entretien des espaces verts",
              "description": "Tonte, taille et désherbage sans pesticides des parcs de Rezé.",
              "commune_insee": REZE, "max_km": "30", "budget_min": "40 000",
              "budget_max": "80 000,50", "deadline": (TODAY + timedelta(days=30)).isoformat(),
              "reserved": "siae", "insertion_hours": "600", "filiere_ids": ["eco-construction"],
              "lever_ids": ["commande"], "cpv_codes": "77310000-6, 77311000",
              "lots-0-title": "Parcs du nord", "lots-0-estimated_amount": "30 000",
              "lots-1-title": "", "lots-1-description": "", "publish": "Publier"}
    values.update(overrides)
    return values


def only_posting(db) -> Posting:
    return db.scalar(select(Posting))


def test_publish_a_tender_with_lots_cpv_and_clauses(client, db, buyer):
    assert "Ajouter un lot" in page_of(client, "/publier/nouvelle")
    response = client.post("/publier/nouvelle", data=tender())
    posting = only_posting(db)
    assert response.location == f"/annonces/{posting.id}"
    assert (posting.status, posting.reserved, posting.insertion_hours) == ("published", "siae", 600)
    assert posting.published_at is not None
    assert (posting.budget_min, posting.budget_max) == (Decimal("40000"), Decimal("80000.50"))
    assert sorted(c.code for c in posting.cpv_codes) == ["77310000", "77311000"]
    assert [(lot.number, lot.title) for lot in posting.lots] == [(1, "Parcs du nord")]
    assert [f.id for f in posting.filieres] == ["eco-construction"]


def test_save_an_offer_as_draft(client, db, buyer):
    client.post("/publier/nouvelle", data=tender(
        direction="offer", type="resource", title="Salle de réunion à partager", reserved="none",
        **{"lots-0-title": "", "lots-0-estimated_amount": "", "publish": "", "save": "x"}))
    posting = only_posting(db)
    assert (posting.direction, posting.type, posting.status) == ("offer", "resource", "draft")


@pytest.mark.parametrize("overrides, field_value, message", [
    ({"type": "purchase", "lots-0-title": "", "lots-0-estimated_amount": ""},
     "Entretien des espaces verts", "Seul un appel d'offres peut être un marché réservé."),
    ({"title": ""}, "Tonte, taille", "Ce champ est obligatoire."),
    ({"cpv_codes": "7731"}, 'value="7731"', "Code CPV mal formé : « 7731 »"),
    ({"cpv_codes": "99999999"}, 'value="99999999"', "Code CPV inconnu : « 99999999 »."),
    ({"budget_min": "90 000"}, 'value="90 000"', "Le budget minimum dépasse le budget maximum."),
    ({"budget_max": "beaucoup"}, 'value="beaucoup"', "Montant en chiffres, par exemple 50 000"),
    ({"budget_max": "2 000 000 000 000"}, 'value="2 000 000 000 000"',
     "inférieur à 100 milliards d'euros"),
    ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, "Entretien des espaces verts",
     "Pour publier, la date limite doit être postérieure à aujourd'hui."),
    ({"insertion_hours": "-5"}, 'value="-5"',
     "Le nombre d'heures d'insertion doit être positif."),
    ({"commune_insee": "00000"}, 'value="00000"', "Commune inconnue"),
    ({"direction": "offer"}, "Entretien des espaces verts",
     "Un appel d'offres est forcément un besoin."),
    ({"lots-1-estimated_amount": "5 000"}, 'value="5 000"', "Chaque lot doit avoir un titre."),
])
def test_invalid_posting_is_explained_in_french_and_kept(client, db, buyer, overrides,
                                                         field_value, message):
    response = client.post("/publier/nouvelle", data=tender(**overrides))
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert field_value in page
    assert only_posting(db) is None


def test_past_deadline_is_accepted_for_a_draft(client, db, buyer):
    client.post("/publier/nouvelle", data=tender(
        deadline=(TODAY - timedelta(days=1)).isoformat(), publish="", save="x"))
    assert only_posting(db).status == "draft"


def test_add_lot_button_shows_one_more_row_without_saving(client, db, buyer):
    response = client.post("/publier/nouvelle", data=tender(publish="", add_lot="x"))
    page = text(response)
    assert 'name="lots-2-title"' in page and 'value="Parcs du nord"' in page
    assert only_posting(db) is None


def test_removed_lot_is_dropped_on_edit(client, db, buyer):
    posting = make_posting(db, buyer, "Marché", type="tender",
                           lots=[{"number": 1, "title": "A"}, {"number": 2, "title": "B"}])
    page = page_of(client, f"/publier/{posting.id}/modifier")
    assert 'value="A"' in page and 'value="B"' in page
    client.post(f"/publier/{posting.id}/modifier", data=tender(
        title="Marché", reserved="none", deadline="", publish="", save="x",
        **{"lots-0-title": "A", "lots-1-title": "B", "lots-1-remove": "y"}))
    db.expire_all()
    assert [lot.title for lot in db.get(Posting, posting.id).lots] == ["A"]


def test_lifecycle_draft_publish_close(client, db, buyer):
    client.post("/publier/nouvelle", data=tender(publish="", save="x"))
    posting = only_posting(db)
    assert posting.status == "draft"
    assert "Publier" in page_of(client, "/publier/")
    client.post(f"/publier/{posting.id}/publier")
    db.expire_all()
    assert db.get(Posting, posting.id).status == "published"
    invalid = client.post(f"/publier/{posting.id}/cloturer", data={"reason": "expired"})
    assert invalid.status_code == 200 and "N'est pas un choix valide." in text(invalid)
    refused = client.post(f"/publier/{posting.id}/cloturer", data={"reason": "awarded"})
    assert "Indiquez le ou les titulaires" in text(refused)  # an award names its winner
    client.post(f"/publier/{posting.id}/cloturer", data={
        "reason": "awarded", "outside_siret": new_siret(), "outside_name": "Menuiserie Loire"})
    db.expire_all()
    closed = db.get(Posting, posting.id)
    assert (closed.status, closed.close_reason) == ("closed", "awarded")
    assert client.get(f"/publier/{posting.id}/modifier").status_code == 302  # closed: read-only


def test_publishing_a_draft_with_a_past_deadline_is_refused(client, db, buyer):
    posting = make_posting(db, buyer, "Vieux brouillon", status="draft",
                           deadline=TODAY - timedelta(days=3))
    response = client.post(f"/publier/{posting.id}/publier", follow_redirects=True)
    assert "la date limite doit être postérieure à aujourd'hui" in text(response)
    db.expire_all()
    assert db.get(Posting, posting.id).status == "draft"


def test_edit_is_prefilled_and_keeps_the_status(client, db, buyer):
    posting = make_posting(db, buyer, "Repas bio", deadline=TODAY + timedelta(days=9),
                           cpv_codes=["15000000"], budget_max=5000)
    page = page_of(client, f"/publier/{posting.id}/modifier")
    assert 'value="Repas bio"' in page and 'value="15000000"' in page
    client.post(f"/publier/{posting.id}/modifier", data=tender(
        type="purchase", title="Repas bio et locaux", reserved="none", save="x", publish="",
        **{"lots-0-title": "", "lots-0-estimated_amount": ""}))
    db.expire_all()
    edited = db.get(Posting, posting.id)
    assert (edited.title, edited.status) == ("Repas bio et locaux", "published")


@pytest.mark.parametrize("method, action", [
    ("get", "modifier"), ("post", "modifier"), ("post", "publier"), ("get", "cloturer"),
    ("post", "cloturer"),
])
def test_only_members_of_the_owner_may_change_a_posting(client, db, buyer, method, action):
    stranger = make_organisation(db, "Autre acheteur", kind="public_buyer")
    posting = make_posting(db, stranger, "Pas à vous", status="draft")
    assert getattr(client, method)(f"/publier/{posting.id}/{action}").status_code == 403
    assert getattr(client, method)(f"/publier/999999/{action}").status_code == 404


def test_user_without_organisation_is_sent_to_create_one(client, auth):
    auth.create_user("seul@example.org", PASSWORD)
    auth.login("seul@example.org", PASSWORD)
    assert client.get("/publier/nouvelle").location == "/organisations/nouvelle"


def test_expiry_closes_published_postings_past_their_deadline(db):
    organisation = make_organisation(db, "Ville")
    past = make_posting(db, organisation, "Passé", deadline=TODAY - timedelta(days=1))
    today = make_posting(db, organisation, "Aujourd'hui", deadline=TODAY)
    draft = make_posting(db, organisation, "Brouillon", status="draft",
                         deadline=TODAY - timedelta(days=5))
    assert expire_past_deadlines(db) == 1
    db.commit()
    assert (past.status, past.close_reason) == ("closed", "expired")
    assert today.status == "published" and draft.status == "draft"
    assert expire_past_deadlines(db, today=TODAY + timedelta(days=1)) == 1
    assert today.close_reason == "expired"


def test_expire_postings_command(app, db):
    from app.cli_flows import register

    if "expire-postings" not in app.cli.commands:
        register(app)
    organisation = make_organisation(db, "Ville")
    make_posting(db, organisation, "Passé", deadline=TODAY - timedelta(days=2))
    result = app.test_cli_runner().invoke(args=["expire-postings"])
    assert "Annonces closes (date limite dépassée) : 1" in result.output
