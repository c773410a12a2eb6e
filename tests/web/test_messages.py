"""Contact between organisations: threads, replies, notifications, and who sees contact details."""


import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from app.services.contacts import can_see_contact_details
from models import Message, Notification, Thread, User
from tests.factories import make_membership, make_organisation, make_posting, text

PASSWORD = "motdepasse-solide"
HIDDEN = "Coordonnées visibles après mise en relation"


@pytest.fixture
def orgs(db, auth):
    """A buyer and a supplier, one user each (buyer's user logged in), plus an outsider."""
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer", email="achats@reze.example")
    supplier = make_organisation(db, "Trocantons", email="contact@trocantons.example",
                                 phone="02 40 00 00 01")
    outsider = make_organisation(db, "Autre")
    for key, organisation in (("buyer", buyer), ("supplier", supplier), ("outsider", outsider)):
        user = auth.create_user(f"{key}@example.org", PASSWORD)
        make_membership(db, user.id, organisation, role="owner")
    auth.login("buyer@example.org", PASSWORD)
    return {"buyer": buyer, "supplier": supplier, "outsider": outsider}


def switch_user(auth, key: str) -> None:
    auth.logout()
    auth.login(f"{key}@example.org", PASSWORD)


def start(client, orgs, body="Bonjour, votre offre nous intéresse.", posting=None):
    url = f"/messages/nouveau?organisation_id={orgs['supplier'].id}"
    if posting is not None:
        url += f"&posting_id={posting.id}"
    return client.post(url, data={"subject": "", "body": body})


def test_thread_about_a_posting_is_seen_and_answered_by_both_sides(client, db, auth, orgs):
    need = make_posting(db, orgs["buyer"], "Collecte de mobilier scolaire")
    form = text(client.get(f"/messages/nouveau?organisation_id={orgs['supplier'].id}"
                           f"&posting_id={need.id}"))
    assert 'value="Collecte de mobilier scolaire"' in form  # subject pre-filled
    response = start(client, orgs, posting=need)
    thread = db.scalar(select(Thread))
    assert response.location == f"/messages/{thread.id}"
    assert (thread.subject, thread.posting_id) == ("Collecte de mobilier scolaire", need.id)
    notification = db.scalar(select(Notification))
    assert notification.organisation_id == orgs["supplier"].id
    assert notification.url == f"/messages/{thread.id}"

    switch_user(auth, "supplier")
    assert "Collecte de mobilier scolaire" in text(client.get("/messages/"))
    assert "votre offre nous intéresse" in text(client.get(f"/messages/{thread.id}"))
    client.post(f"/messages/{thread.id}", data={"body": "Avec plaisir !"})
    senders = db.scalars(select(Message.sender_organisation_id).order_by(Message.id)).all()
    assert senders == [orgs["buyer"].id, orgs["supplier"].id]
    assert db.scalar(select(Notification).where(
        Notification.organisation_id == orgs["buyer"].id)) is not None


def test_writing_again_continues_the_same_thread(client, db, orgs):
    start(client, orgs)
    start(client, orgs, body="Petite relance.")
    assert len(db.scalars(select(Thread)).all()) == 1
    assert len(db.scalars(select(Message)).all()) == 2


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_message_is_refused_in_french(client, db, orgs, body):
    response = start(client, orgs, body=body)
    assert response.status_code == 200
    assert "Le message ne peut pas être vide." in text(response)
    assert db.scalar(select(Thread)) is None


def test_empty_reply_is_refused_in_french(client, db, orgs):
    start(client, orgs)
    thread = db.scalar(select(Thread))
    response = client.post(f"/messages/{thread.id}", data={"body": ""})
    assert response.status_code == 200 and "Le message ne peut pas être vide." in text(response)


def test_writing_to_ones_own_organisation_is_refused(client, db, orgs):
    response = client.post(f"/messages/nouveau?organisation_id={orgs['buyer'].id}",
                           data={"body": "Coucou"})
    assert response.status_code == 200
    assert "Vous ne pouvez pas écrire à votre propre organisation." in text(response)


def test_outsiders_cannot_read_a_thread(client, db, auth, orgs):
    start(client, orgs)
    thread = db.scalar(select(Thread))
    switch_user(auth, "outsider")
    assert client.get(f"/messages/{thread.id}").status_code == 403
    assert client.post(f"/messages/{thread.id}", data={"body": "Intrus"}).status_code == 403
    assert client.get("/messages/999999").status_code == 404
    assert "Collecte" not in text(client.get("/messages/"))


def test_unknown_recipient_or_draft_posting_is_not_found(client, db, orgs):
    assert client.get("/messages/nouveau?organisation_id=999999").status_code == 404
    draft = make_posting(db, orgs["supplier"], "Brouillon", status="draft")
    assert client.get(f"/messages/nouveau?organisation_id={orgs['supplier'].id}"
                      f"&posting_id={draft.id}").status_code == 404


def render_contact(app, db, organisation, user_email: str | None) -> str:
    with app.test_request_context("/"):
        if user_email:
            login_user(db.scalar(select(User).where(User.email == user_email)))
        return render_template("partials/contact_details.html", organisation=organisation)


def test_contact_details_are_visible_only_once_in_touch(app, client, db, auth, orgs):
    supplier = orgs["supplier"]
    assert HIDDEN in render_contact(app, db, supplier, None)
    assert HIDDEN in render_contact(app, db, supplier, "buyer@example.org")
    assert "contact@trocantons.example" in render_contact(app, db, supplier,
                                                          "supplier@example.org")
    start(client, orgs)  # the buyer wrote: the supplier sees the buyer, not the reverse
    assert HIDDEN in render_contact(app, db, supplier, "buyer@example.org")
    assert "achats@reze.example" in render_contact(app, db, orgs["buyer"],
                                                   "supplier@example.org")
    switch_user(auth, "supplier")
    client.post(f"/messages/{db.scalar(select(Thread.id))}", data={"body": "Avec plaisir !"})
    shown = render_contact(app, db, supplier, "buyer@example.org")
    assert "contact@trocantons.example" in shown and HIDDEN not in shown
    assert HIDDEN in render_contact(app, db, supplier, "outsider@example.org")


def test_contact_details_rules(db, auth, orgs):
    animator = auth.create_user("anim@example.org", PASSWORD, is_animator=True)
    pending = auth.create_user("attente@example.org", PASSWORD)
    make_membership(db, pending.id, orgs["supplier"]).status = "pending"
    db.commit()
    supplier = orgs["supplier"]
    assert can_see_contact_details(db, None, supplier) is False
    assert can_see_contact_details(db, animator, supplier) is True
    assert can_see_contact_details(db, pending, supplier) is False
