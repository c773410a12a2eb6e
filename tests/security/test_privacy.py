"""Private data by consent (issue #13, finding 4): the bulk directory export hides postal
addresses from anyone but animators, and a recipient's contact details reach a sender only
after the recipient has written back."""

import csv
import io

import pytest
from sqlalchemy import select

from models import Thread
from tests.factories import PASSWORD, make_membership, make_organisation, text

SECRET_ADDRESS = "3 rue Secrète"
HIDDEN = "Coordonnées visibles après mise en relation"


def directory_rows(client) -> list[dict[str, str]]:
    body = client.get("/donnees/annuaire.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


@pytest.fixture
def located(db):
    return make_organisation(db, "Ressourcerie cachée", address=SECRET_ADDRESS,
                             lat=47.2, lon=-1.55)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_directory_csv_hides_addresses_from_visitors_and_members(client, db, auth, located, who):
    if who == "member":
        user = auth.create_user("membre@example.org", PASSWORD)
        make_membership(db, user.id, make_organisation(db, "Autre"))
        auth.login("membre@example.org", PASSWORD)
    rows = directory_rows(client)
    assert {row["Nom"] for row in rows} >= {"Ressourcerie cachée"}
    assert not {"Adresse", "Latitude", "Longitude"} & set(rows[0])
    assert SECRET_ADDRESS not in client.get("/donnees/annuaire.csv").get_data(as_text=True)


def test_directory_csv_gives_addresses_to_animators(client, auth, located):
    auth.create_user("anim@example.org", PASSWORD, is_animator=True)
    auth.login("anim@example.org", PASSWORD)
    row = next(r for r in directory_rows(client) if r["Nom"] == "Ressourcerie cachée")
    assert (row["Adresse"], row["Latitude"]) == (SECRET_ADDRESS, "47.2")


@pytest.fixture
def pair(db, auth):
    """A sender and a recipient organisation with contact details, one owner each."""
    orgs = {"sender": make_organisation(db, "Expéditeur", email="exp@example.net"),
            "recipient": make_organisation(db, "Destinataire", email="dest@example.net",
                                           phone="02 40 11 22 33", address=SECRET_ADDRESS)}
    for key, organisation in orgs.items():
        user = auth.create_user(f"{key}@example.org", PASSWORD)
        make_membership(db, user.id, organisation, role="owner")
    return orgs


def profile(client, organisation) -> str:
    return text(client.get(f"/annuaire/{organisation.id}"))


def test_unsolicited_message_reveals_nothing_until_the_recipient_replies(client, db, auth, pair):
    sender, recipient = pair["sender"], pair["recipient"]
    auth.login("sender@example.org", PASSWORD)
    response = client.post(f"/messages/nouveau?organisation_id={recipient.id}",
                           data={"subject": "Bonjour", "body": "Travaillons ensemble ?"})
    assert response.status_code == 302
    page = profile(client, recipient)
    assert HIDDEN in page
    assert not [s for s in ("dest@example.net", "02 40 11 22 33", SECRET_ADDRESS) if s in page]

    auth.logout()
    auth.login("recipient@example.org", PASSWORD)
    assert "exp@example.net" in profile(client, sender)  # the sender chose to write
    thread_id = db.scalar(select(Thread.id))
    assert client.post(f"/messages/{thread_id}", data={"body": "Avec plaisir."}).status_code == 302

    auth.logout()
    auth.login("sender@example.org", PASSWORD)
    page = profile(client, recipient)
    assert "dest@example.net" in page and "02 40 11 22 33" in page and HIDDEN not in page
