"""Every organisation reachable (issue #11, item 3) and the animators' space (item 6): messages
and join requests to an organisation without members wait in the moderation queue, the
animator is e-mailed, a claim (approved by the animator, or at once for a verified address on
the organisation's website domain) makes the requester owner and delivers what was queued."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.claims import domain_matches, email_domain, website_domain
from models import AuditEntry, Membership, ModerationItem, NetworkMember, Notification, Thread
from tests.factories import PASSWORD, make_membership, make_organisation, make_posting, text

ANIMATOR, SENDER, CLAIMER = "anim@essaim.example", "awa@achats.example", "lea@ressourcerie.fr"


@pytest.fixture
def world(db, auth):
    """A buyer with a member, a memberless ressourcerie (imported), an animator, a claimer."""
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    orphan = make_organisation(db, "Ressourcerie de l'Île", website="https://www.Ressourcerie.fr/",
                               filieres=["reemploi"])
    sender = auth.create_user(SENDER, PASSWORD, name="Awa")
    make_membership(db, sender.id, buyer, role="owner")
    auth.create_user(ANIMATOR, PASSWORD, is_animator=True)
    claimer = auth.create_user(CLAIMER, PASSWORD, name="Léa")
    return {"buyer": buyer.id, "orphan": orphan.id, "claimer": claimer.id}


def outbox_to(app, address: str) -> list:
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in sorted(folder.glob("*.eml"))]
    return [mail for mail in mails if mail["To"] == address]


def send_message(client, auth, organisation_id: int, body: str = "Bonjour, un devis ?"):
    auth.login(SENDER, PASSWORD)
    return client.post(f"/messages/nouveau?organisation_id={organisation_id}",
                        data={"subject": "Collecte de mobilier", "body": body},
                        follow_redirects=True)


def test_a_message_to_an_organisation_without_members_reaches_the_animators_queue(
        app, client, db, auth, world):
    before = len(outbox_to(app, ANIMATOR))
    page = text(send_message(client, auth, world["orphan"]))
    assert "Cette structure n'a pas encore de compte sur Essaim : votre message est transmis " \
           "à l'équipe d'animation" in page
    item = db.scalar(select(ModerationItem))
    assert (item.kind, item.status, item.organisation_id) == ("message", "open",
                                                              world["orphan"])
    assert db.scalar(select(Notification)) is None  # nobody would read it
    mails = outbox_to(app, ANIMATOR)
    assert len(mails) == before + 1 and "Ressourcerie de l'Île" in mails[-1]["Subject"]
    # A second message in the same thread adds no second queue item.
    thread = db.scalar(select(Thread))
    client.post(f"/messages/{thread.id}", data={"body": "Une précision."})
    assert len(db.scalars(select(ModerationItem)).all()) == 1
    auth.logout()
    auth.login(ANIMATOR, PASSWORD)
    queue = text(client.get("/animation/moderation"))
    assert "Message à une structure sans compte" in queue and "Collecte de mobilier" in queue


def test_animator_approves_a_claim_and_the_queued_message_is_delivered(
        app, client, db, auth, world):
    send_message(client, auth, world["orphan"])
    auth.logout()
    auth.login(CLAIMER, PASSWORD)
    claim_page = text(client.get(f"/organisations/{world['orphan']}/revendiquer"))
    assert "Vérifiez votre adresse" in claim_page  # on the site's domain, not yet verified
    response = client.post(f"/organisations/{world['orphan']}/revendiquer",
                           data={"note": "Je suis la directrice."}, follow_redirects=True)
    assert "transmise à l'équipe d'animation" in text(response)
    claim = db.scalar(select(ModerationItem).where(ModerationItem.kind == "claim"))
    assert claim.status == "open"
    auth.logout()
    auth.login(ANIMATOR, PASSWORD)
    assert client.post(f"/animation/moderation/{claim.id}/approuver").status_code == 302
    db.expire_all()
    membership = db.scalar(select(Membership).where(Membership.user_id == world["claimer"]))
    assert (membership.role, membership.status) == ("owner", "active")
    statuses = {item.kind: item.status for item in db.scalars(select(ModerationItem))}
    assert statuses == {"claim": "approved", "message": "delivered"}
    auth.logout()
    auth.login(CLAIMER, PASSWORD)
    notifications = text(client.get("/organisations/notifications"))
    assert "Message reçu avant votre inscription, de Ville de Rezé" in notifications
    thread = db.scalar(select(Thread))
    assert "Bonjour, un devis ?" in text(client.get(f"/messages/{thread.id}"))


def test_a_verified_address_on_the_website_domain_claims_at_once(client, db, auth, world):
    from app.services.account_mail import verification_token
    from models import User

    auth.login(CLAIMER, PASSWORD)
    client.post(f"/organisations/{world['orphan']}/revendiquer", data={"note": ""})
    assert db.scalar(select(ModerationItem.status)) == "open"  # not verified yet: queued
    with client.application.test_request_context():
        token = verification_token(db.get(User, world["claimer"]))
    page = client.get(f"/compte/adresse-verifiee/{token}")
    assert page.status_code == 200 and db.scalar(select(Membership).where(
        Membership.user_id == world["claimer"])) is None  # reading the page changes nothing
    response = client.post(f"/compte/adresse-verifiee/{token}", follow_redirects=True)
    assert "Vous êtes maintenant responsable de « Ressourcerie de l'Île »" in text(response)
    db.expire_all()
    assert db.scalar(select(ModerationItem.status)) == "approved"
    assert db.scalar(select(Membership.role).where(
        Membership.user_id == world["claimer"])) == "owner"


def test_webmail_or_another_domain_never_claims_at_once(client, db, auth, world):
    from datetime import UTC, datetime

    from models import User

    auth.create_user("lea.pro@gmail.com", PASSWORD)
    user = db.scalar(select(User).where(User.email == "lea.pro@gmail.com"))
    user.email_verified_at = datetime.now(UTC)
    db.commit()
    auth.login("lea.pro@gmail.com", PASSWORD)
    client.post(f"/organisations/{world['orphan']}/revendiquer", data={"note": ""})
    assert db.scalar(select(ModerationItem.status)) == "open"


def test_a_claim_on_an_organisation_with_members_is_refused(client, db, auth, world):
    auth.login(CLAIMER, PASSWORD)
    response = client.post(f"/organisations/{world['buyer']}/revendiquer", data={"note": ""})
    assert response.status_code == 200
    assert "Cette structure a déjà des responsables sur Essaim" in text(response)
    assert db.scalar(select(ModerationItem)) is None


def test_a_join_request_to_a_memberless_organisation_is_queued_then_approved(
        client, db, auth, world):
    auth.login(CLAIMER, PASSWORD)
    response = client.post(f"/organisations/{world['orphan']}/rejoindre", follow_redirects=True)
    assert "n'a pas encore de compte sur Essaim : votre demande est transmise" in text(response)
    item = db.scalar(select(ModerationItem))
    assert item.kind == "join_request"
    auth.logout()
    auth.login(ANIMATOR, PASSWORD)
    client.post(f"/animation/moderation/{item.id}/approuver")
    db.expire_all()
    membership = db.scalar(select(Membership).where(Membership.user_id == world["claimer"]))
    assert (membership.role, membership.status) == ("owner", "active")


def test_rejecting_a_join_request_removes_the_pending_membership(client, db, auth, world):
    auth.login(CLAIMER, PASSWORD)
    client.post(f"/organisations/{world['orphan']}/rejoindre")
    item = db.scalar(select(ModerationItem))
    auth.logout()
    auth.login(ANIMATOR, PASSWORD)
    client.post(f"/animation/moderation/{item.id}/refuser")
    db.expire_all()
    assert db.scalar(select(Membership).where(Membership.user_id == world["claimer"])) is None
    assert db.get(ModerationItem, item.id).status == "rejected"
    assert "Rien à traiter pour le moment." in text(client.get("/animation/moderation"))


def test_a_decided_item_cannot_be_decided_again(client, db, auth, world):
    auth.login(CLAIMER, PASSWORD)
    client.post(f"/organisations/{world['orphan']}/revendiquer", data={"note": ""})
    item = db.scalar(select(ModerationItem))
    auth.logout()
    auth.login(ANIMATOR, PASSWORD)
    client.post(f"/animation/moderation/{item.id}/refuser")
    response = client.post(f"/animation/moderation/{item.id}/approuver", follow_redirects=True)
    assert "Cet élément a déjà été traité." in text(response)


def test_reporting_a_posting_needs_a_reason_and_reaches_the_queue(client, db, auth, world):
    need = make_posting(db, _buyer(db, world), "Achat de mobilier")
    auth.login(CLAIMER, PASSWORD)
    empty = client.post(f"/animation/signaler/annonce/{need.id}", data={"note": " "},
                        follow_redirects=True)
    assert "Signalement non envoyé : Ce champ est obligatoire." in text(empty)
    client.post(f"/animation/signaler/annonce/{need.id}", data={"note": "Annonce en double."})
    twice = client.post(f"/animation/signaler/annonce/{need.id}", data={"note": "Encore."},
                        follow_redirects=True)
    assert "Vous avez déjà signalé cette annonce" in text(twice)
    item = db.scalar(select(ModerationItem))
    assert (item.kind, item.posting_id, item.note) == ("report", need.id, "Annonce en double.")


def _buyer(db, world):
    from models import Organisation

    return db.get(Organisation, world["buyer"])


def test_animator_edits_an_organisation_and_the_audit_log_shows_it(client, db, auth, world):
    from tests.web.test_organisations import form_data

    auth.login(ANIMATOR, PASSWORD)
    page = text(client.get(f"/annuaire/{world['orphan']}"))
    assert "Modifier la fiche" in page and "Aucune modification enregistrée." in page
    orphan = _buyer(db, world).__class__
    organisation = db.get(orphan, world["orphan"])
    data = form_data(name="Ressourcerie de l'Île", siret=organisation.siret,
                     website="https://www.ressourcerie.fr/", phone="02 40 11 22 33")
    assert client.post(f"/organisations/{world['orphan']}/modifier",
                       data=data).status_code == 302
    entries = {e.field: e for e in db.scalars(select(AuditEntry))}
    assert entries["phone"].new_value == "02 40 11 22 33" and entries["phone"].old_value == ""
    page = text(client.get(f"/annuaire/{world['orphan']}"))
    assert "Journal des modifications" in page and "02 40 11 22 33" in page and ANIMATOR in page
    auth.logout()
    auth.login(SENDER, PASSWORD)  # not an animator: no journal, no edit button
    page = text(client.get(f"/annuaire/{world['orphan']}"))
    assert "Journal des modifications" not in page and "Modifier la fiche" not in page


def test_network_page_lists_members_and_the_open_needs_that_fit_them(client, db, auth, world):
    from models import Match

    network = make_organisation(db, "Réseau des ressourceries", kind="network")
    member = _buyer(db, world).__class__
    orphan = db.get(member, world["orphan"])
    db.add(NetworkMember(network_id=network.id, member_id=orphan.id))
    need = make_posting(db, _buyer(db, world), "Collecte des encombrants",
                        filieres=["reemploi"])
    closed = make_posting(db, _buyer(db, world), "Ancien besoin", status="closed")
    db.add_all([Match(need_id=need.id, organisation_id=orphan.id, score=0.8,
                      explanation="même filière : réemploi"),
                Match(need_id=closed.id, organisation_id=orphan.id, score=0.9)])
    db.commit()
    auth.create_user("reseau@example.org", PASSWORD)
    from models import User

    user = db.scalar(select(User).where(User.email == "reseau@example.org"))
    make_membership(db, user.id, network, role="owner")
    auth.login("reseau@example.org", PASSWORD)
    home = text(client.get("/"))
    assert f'href="/animation/reseaux/{network.id}"' in home  # the network's menu entry
    page = text(client.get(f"/animation/reseaux/{network.id}"))
    assert "Ressourcerie de l'Île" in page and "Collecte des encombrants" in page
    assert "Ancien besoin" not in page
    auth.logout()
    auth.login(CLAIMER, PASSWORD)
    assert client.get(f"/animation/reseaux/{network.id}").status_code == 403


@pytest.mark.parametrize("email, website, expected", [
    ("lea@ressourcerie.fr", "https://www.Ressourcerie.fr/contact", True),
    ("lea@RESSOURCERIE.fr", "ressourcerie.fr", True),
    ("lea@mail.ressourcerie.fr", "http://ressourcerie.fr:8080", True),
    ("lea@ressourcerie.fr", "https://autre-ressourcerie.fr", False),
    ("lea@fauxressourcerie.fr", "https://ressourcerie.fr", False),
    ("lea@gmail.com", "https://gmail.com", False),
    ("lea@orange.fr", "https://www.orange.fr", False),
    ("lea@wixsite.com", "https://ressourcerie.wixsite.com/accueil", False),
    ("lea@ressourcerie.fr", "", False),
    ("pas-une-adresse", "https://ressourcerie.fr", False),
    ("léa@écoles-nantes.fr", "https://www.xn--coles-nantes-9db.fr", True),
])
def test_domain_matching(email, website, expected):
    assert domain_matches(email, website) is expected


def test_domains_are_normalised():
    assert email_domain("A@Exemple.FR ") == "exemple.fr"
    assert website_domain(" WWW.Exemple.fr/page ") == "exemple.fr"
    assert website_domain("") == ""
