"""Races between simultaneous requests (real threads, one test client and session each, real
database): one consistent state, a French answer, never a 500 nor a duplicate row.

Run on SQLite (default) and on PostgreSQL (TEST_DATABASE_URL)."""

import logging
import threading
from datetime import date, timedelta

import pytest
from flask_login import current_user
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from app.extensions import db as web_db
from app.services.publishing import publish_posting
from models import Consortium, ConsortiumMember, Lot, Match, Membership, Message, Posting, Thread
from tests.factories import make_membership, make_organisation, make_posting, text

PASSWORD = "motdepasse-solide"
NANTES = "44109"
IN_A_MONTH = (date.today() + timedelta(days=30)).isoformat()


def at_once(app, auth, email: str, count: int, request) -> list:
    """Log `count` clients in as `email`, then fire `request(client, i)` from as many threads
    released together; returns the responses (or the exceptions raised)."""
    clients = [app.test_client() for _ in range(count)]
    for client in clients:
        assert client.post("/compte/connexion",
                           data={"email": email, "password": PASSWORD}).status_code == 302
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = request(clients[i], i)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def statuses(responses) -> list[int]:
    return sorted({r.status_code for r in responses})


def count(db, statement) -> int:
    db.expire_all()
    db.rollback()
    return db.scalar(select(func.count()).select_from(statement.subquery()))


def test_simultaneous_join_requests_leave_one_request(app, db, auth):
    organisation = make_organisation(db, "Trocantons")
    owner = auth.create_user("responsable@example.org", PASSWORD)
    make_membership(db, owner.id, organisation, role="owner")  # else the animators' queue
    auth.create_user("candidat@example.org", PASSWORD)
    responses = at_once(app, auth, "candidat@example.org", 8, lambda client, _i: client.post(
        f"/organisations/{organisation.id}/rejoindre", follow_redirects=True))
    assert statuses(responses) == [200]
    pages = [text(r) for r in responses]
    assert sum("Votre demande a été envoyée" in page for page in pages) == 1
    assert sum("Votre demande est déjà en attente" in page for page in pages) == 7
    assert count(db, select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.status == "pending")) == 1


def _consortium(db, auth) -> tuple[Consortium, int]:
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    founder = make_organisation(db, "Atelier du réemploi")
    invitee = make_organisation(db, "Vélo-cargo solidaire")
    tender = make_posting(db, buyer, "Mobilier des écoles", type="tender",
                          deadline=date.today() + timedelta(days=30))
    consortium = Consortium(name="Groupement", posting=tender, created_by_id=founder.id,
                            status="forming", explanation="")
    consortium.members.append(ConsortiumMember(organisation_id=founder.id, role="lead",
                                               lot_numbers=[], invitation_status="accepted"))
    db.add(consortium)
    db.commit()
    user = auth.create_user("mandataire@example.org", PASSWORD)
    make_membership(db, user.id, founder, role="owner")
    return consortium, invitee.id


def test_simultaneous_invitations_leave_one_place(app, db, auth):
    consortium, invitee_id = _consortium(db, auth)
    responses = at_once(app, auth, "mandataire@example.org", 8, lambda client, _i: client.post(
        f"/groupements/{consortium.id}/inviter", data={"organisation": str(invitee_id)},
        follow_redirects=True))
    assert statuses(responses) == [200]
    pages = [text(r) for r in responses]
    assert sum("Invitation envoyée." in page for page in pages) == 1
    assert sum("Vélo-cargo solidaire fait déjà partie du groupement." in page
               for page in pages) == 7
    assert count(db, select(ConsortiumMember).where(
        ConsortiumMember.organisation_id == invitee_id)) == 1


def test_ten_simultaneous_first_messages_make_one_thread(app, db, auth):
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    supplier = make_organisation(db, "Trocantons")
    user = auth.create_user("acheteur@example.org", PASSWORD)
    make_membership(db, user.id, buyer, role="owner")
    responses = at_once(app, auth, "acheteur@example.org", 10, lambda client, i: client.post(
        f"/messages/nouveau?organisation_id={supplier.id}",
        data={"subject": "Collecte", "body": f"Bonjour, message {i}."}))
    assert statuses(responses) == [302]
    assert count(db, select(Thread)) == 1
    thread = db.scalar(select(Thread))
    assert {r.location for r in responses} == {f"/messages/{thread.id}"}
    assert count(db, select(Message).where(Message.thread_id == thread.id)) == 10


def _tender_form(title: str) -> dict:
    return {"direction": "need", "type": "tender", "title": title,
            "description": "Tonte et taille des parcs.", "commune_insee": NANTES,
            "deadline": IN_A_MONTH, "reserved": "none",
            "lots-0-title": "Parcs du nord", "lots-0-estimated_amount": "30 000",
            "lots-1-title": "Parcs du sud", "lots-1-estimated_amount": "20 000",
            "publish": "", "save": "x"}


def test_sixteen_simultaneous_edits_leave_the_tenders_two_lots(app, db, auth):
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    user = auth.create_user("acheteur@example.org", PASSWORD)
    make_membership(db, user.id, buyer, role="owner")
    tender = make_posting(db, buyer, "Espaces verts", type="tender",
                          deadline=date.today() + timedelta(days=30),
                          lots=[{"number": 1, "title": "Nord"}, {"number": 2, "title": "Sud"}])
    responses = at_once(app, auth, "acheteur@example.org", 16, lambda client, i: client.post(
        f"/publier/{tender.id}/modifier", data=_tender_form(f"Espaces verts, version {i}")))
    assert statuses(responses) == [302]
    db.expire_all()
    lots = db.scalars(select(Lot).where(Lot.posting_id == tender.id).order_by(Lot.number))
    assert [(lot.number, lot.title) for lot in lots] == [(1, "Parcs du nord"),
                                                         (2, "Parcs du sud")]


def test_a_lost_suggestion_race_keeps_the_published_need(app, db, session_factory, engine):
    """Regression: storing suggestions committed, and its rollback on IntegrityError discarded
    the caller's new posting. Now the ranking job meets a concurrent insert of the same
    suggestion: it keeps the other's row (a savepoint), and the need stays published."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: the other insert cannot land mid-transaction")
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    supplier = make_organisation(db, "Ressourcerie de l'île", filieres=["reemploi"],
                                 description="Collecte et réemploi de mobilier.")
    need = make_posting(db, buyer, "Réemploi de mobilier scolaire", status="draft",
                        filieres=["reemploi"], description="Collecte et réemploi de mobilier.")

    fired = []

    def collide(session, _context, _instances) -> None:
        if not fired and any(isinstance(obj, Match) for obj in session.new):
            fired.append(True)
            with engine.begin() as other:
                other.execute(insert(Match).values(need_id=need.id, organisation_id=supplier.id,
                                                   score=0.5, components={}, explanation="",
                                                   status="proposed", dismissed=False))

    with session_factory() as session:
        publish_posting(session, session.get(Posting, need.id))
        session.commit()
    event.listen(Session, "before_flush", collide)  # every session: the job's own too
    try:
        app.extensions["essaim.jobs"].drain()
    finally:
        event.remove(Session, "before_flush", collide)
    assert fired  # the collision did happen
    db.expire_all()
    assert db.get(Posting, need.id).status == "published"
    stored = db.scalars(select(Match).where(Match.need_id == need.id,
                                            Match.organisation_id == supplier.id)).all()
    assert len(stored) == 1 and stored[0].explanation  # the job updated the winner's row


def test_error_page_renders_after_a_failed_flush(app, db, auth):
    """A flush fails mid-request: the page answers in French instead of PendingRollbackError."""
    organisation = make_organisation(db, "Trocantons")
    user = auth.create_user("membre@example.org", PASSWORD)
    make_membership(db, user.id, organisation)
    from app import create_app

    broken = create_app(dict(app.config))  # the session's app already served: routes are frozen

    @broken.post("/doublon")
    def duplicate():
        web_db.session.add(Membership(user_id=current_user.id,
                                      organisation_id=organisation.id, role="member"))
        web_db.session.flush()  # violates the unique (user, organisation)
        return "jamais"

    client = broken.test_client()
    client.post("/compte/connexion", data={"email": "membre@example.org", "password": PASSWORD})
    response = client.post("/doublon")
    assert response.status_code == 409
    assert "Une autre modification est arrivée au même moment" in text(response)


def test_database_locked_is_replayed_not_shown(app, db, auth, engine, caplog):
    """SQLite: another writer holds the lock past the busy timeout; the request is replayed
    and succeeds instead of showing « database is locked »."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    organisation = make_organisation(db, "Trocantons")
    auth.create_user("candidat@example.org", PASSWORD)
    assert auth.login("candidat@example.org", PASSWORD).status_code == 302
    caplog.set_level(logging.INFO, logger="app.transaction")
    holder = engine.raw_connection()
    holder.cursor().execute("BEGIN IMMEDIATE")
    release = threading.Timer(6.0, holder.rollback)  # longer than the 5 s busy timeout
    release.start()
    try:
        response = auth.client.post(f"/organisations/{organisation.id}/rejoindre")
    finally:
        release.join()
        holder.close()
    assert response.status_code == 302
    assert count(db, select(Membership).where(
        Membership.organisation_id == organisation.id)) == 1
    assert "replaying" in caplog.text  # the first attempt met the lock
