"""The animator's status validation queue: declared statuses listed, validated or refused with a
note (kept next to its field when refused), the organisation notified, badges with a source."""

from sqlalchemy import select

from models import Notification, Organisation, StatusDecision
from tests.factories import make_membership, make_organisation, text


def _animator(auth):
    auth.create_user("animation@example.org", is_animator=True)
    auth.login("animation@example.org")


def test_the_queue_lists_declared_statuses_and_only_animators_see_it(client, db, auth):
    make_organisation(db, "Chantier Bâtir", legal_form_code="aci", siae=True)
    make_organisation(db, "Ressourcerie", legal_form_code="association")
    user = auth.create_user("membre@example.org")
    make_membership(db, user.id, make_organisation(db, "Autre"))
    auth.login("membre@example.org")
    assert client.get("/animation/statuts").status_code == 403
    auth.logout()
    _animator(auth)
    page = text(client.get("/animation/statuts"))
    assert "Chantier Bâtir" in page and "SIAE · déclaré" in page
    assert "Ressourcerie" not in page


def test_validating_with_a_note_verifies_the_status_and_tells_the_organisation(
        client, db, auth):
    org = make_organisation(db, "Chantier Bâtir", legal_form_code="aci", siae=True)
    _animator(auth)
    response = client.post(f"/animation/statuts/{org.id}/siae",
                           data={"decision": "valider", "note": "Conventionnement DDETS vu"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Organisation, org.id).status_verified("siae")
    decision = db.scalar(select(StatusDecision))
    assert (decision.decision, decision.source, decision.note) == (
        "verified", "animator", "Conventionnement DDETS vu")
    assert decision.decided_by_id is not None and decision.decided_at is not None
    assert db.scalar(select(Notification.text).where(Notification.organisation_id == org.id)) \
        == "Votre statut SIAE est vérifié par l'animateur d'Essaim."
    assert "SIAE (insertion) · vérifié" in text(client.get(f"/annuaire/{org.id}"))
    assert "Chantier Bâtir" not in text(client.get("/animation/statuts"))


def test_a_decision_without_a_note_is_refused_next_to_the_note(client, db, auth):
    org = make_organisation(db, "Chantier Bâtir", legal_form_code="aci", siae=True)
    _animator(auth)
    response = client.post(f"/animation/statuts/{org.id}/siae",
                           data={"decision": "refuser", "note": ""})
    assert response.status_code == 400
    assert f'id="erreur-{org.id}-siae"' in text(response)
    assert "Indiquez ce que vous avez vérifié" in text(response)
    long_note = "x" * 1001
    response = client.post(f"/animation/statuts/{org.id}/siae",
                           data={"decision": "refuser", "note": long_note})
    assert response.status_code == 400 and long_note in text(response)  # what was typed is kept
    db.expire_all()
    assert db.get(Organisation, org.id).siae and db.scalar(select(StatusDecision)) is None


def test_refusing_removes_the_status_everywhere(client, db, auth):
    org = make_organisation(db, "Faux chantier", kind="company", legal_form_code="aci",
                            siae=True)
    _animator(auth)
    client.post(f"/animation/statuts/{org.id}/siae",
                data={"decision": "refuser", "note": "Aucun conventionnement IAE"})
    db.expire_all()
    refused = db.get(Organisation, org.id)
    assert not refused.siae and refused.siae_source == "refused"
    assert not refused.eligible_for("siae")
    page = text(client.get(f"/annuaire/{org.id}"))
    assert "SIAE (insertion)" not in page and "badge status-" not in page
