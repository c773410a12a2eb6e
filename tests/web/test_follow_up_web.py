"""The follow-up on screen: counts after interest and shortlist, « vu » by POST only, a message
recorded as a contact, groupements seen from the tender, closing with a winner (French errors,
the award on the winner's page, nothing hidden), « utile ? »."""

from sqlalchemy import func, select

from models import (
    Consortium,
    ConsortiumMember,
    FollowUpEvent,
    Match,
    Notification,
    SuggestionFeedback,
)
from tests.factories import new_siret, text
from tests.web.test_matching_flows import login


def match_of(db, tender, organisation) -> Match:
    db.expire_all()
    return db.scalar(select(Match).where(Match.need_id == tender.id,
                                         Match.organisation_id == organisation.id))


def test_dashboard_counts_interest_and_shortlist_from_the_history(client, auth, db, territory):
    orgs, tender = territory
    match = match_of(db, tender, orgs["siae_reuse"])
    login(auth, "siae_reuse")
    client.post(f"/suggestions/{match.id}/interested")
    auth.logout()
    login(auth, "buyer")
    notifications = text(client.get("/organisations/notifications"))
    assert "Trocantons Rezé est intéressé" in notifications  # the buyer is told
    swapped = client.post(f"/suggestions/{match.id}/shortlist", headers={"HX-Request": "true"})
    assert "Présélectionné" in text(swapped) and "Intéressé" in text(swapped)
    board = text(client.get("/tableau-de-bord/"))
    assert "1 intéressé, 1 présélectionné" in board
    page = text(client.get(f"/annonces/{tender.id}"))
    assert "Historique" in page and "s'est dit intéressé" in page and "présélectionné" in page


def test_viewed_is_recorded_by_a_post_once_never_by_the_get(client, auth, db, territory):
    orgs, tender = territory
    login(auth, "siae_reuse")
    page = client.get(f"/annonces/{tender.id}").get_data(as_text=True)
    assert f"/suggestions/besoin/{tender.id}/vu" in page
    assert db.scalar(select(func.count(FollowUpEvent.id))) == 0
    for _ in range(2):
        assert client.post(f"/suggestions/besoin/{tender.id}/vu").status_code == 204
    assert list(db.scalars(select(FollowUpEvent.kind))) == ["viewed"]


def test_a_message_about_the_need_is_the_contact(client, auth, db, territory):
    orgs, tender = territory
    login(auth, "buyer")
    match = match_of(db, tender, orgs["siae_reuse"])
    opened = client.post(f"/suggestions/{match.id}/contact")
    assert "/messages/nouveau" in opened.location
    assert db.scalar(select(func.count(FollowUpEvent.id))) == 0  # nothing sent yet
    client.post(opened.location, data={"subject": "Collecte", "body": "Bonjour, disponibles ?"})
    page = text(client.get(f"/annonces/{tender.id}"))
    assert "contacté (message envoyé)" in page


def test_closing_with_a_winner_shows_the_award_and_keeps_the_history(client, auth, db,
                                                                      territory):
    orgs, tender = territory
    groupement = Consortium(name="Groupement Erdre", posting_id=tender.id,
                            created_by_id=orgs["asso_reuse"].id, status="submitted")
    groupement.members = [ConsortiumMember(organisation_id=orgs["asso_reuse"].id, role="lead",
                                           invitation_status="accepted")]
    db.add(groupement)
    db.commit()
    login(auth, "buyer")
    assert "Groupement Erdre" in text(client.get(f"/annonces/{tender.id}"))  # applied
    form = text(client.get(f"/publier/{tender.id}/cloturer"))
    assert "Trocantons Rezé" in form and "Groupement Erdre" in form
    refused = client.post(f"/publier/{tender.id}/cloturer", data={
        "reason": "awarded", "outside_siret": "123 456 789 01234", "amount": "cinquante mille"})
    page = text(refused)
    assert refused.status_code == 200
    assert "Montant en chiffres, par exemple 50 000" in page
    assert 'value="123 456 789 01234"' in page  # kept
    refused = client.post(f"/publier/{tender.id}/cloturer", data={
        "reason": "awarded", "outside_siret": "123 456 789 01234"})
    assert "SIRET" in text(refused)
    match = match_of(db, tender, orgs["siae_reuse"])
    response = client.post(f"/publier/{tender.id}/cloturer", data={
        "reason": "awarded", "organisation_ids": str(orgs["siae_reuse"].id),
        "amount": "48 000", "awarded_on": "2026-12-01"}, follow_redirects=True)
    assert "1 titulaire(s) enregistré(s)" in text(response)
    winner_page = text(client.get(f"/annuaire/{orgs['siae_reuse'].id}"))
    references = winner_page.split("Références publiques")[1]
    assert tender.title in references and "48\u202f000" in references
    closed = text(client.get(f"/annonces/{tender.id}"))
    assert "Titulaire" in closed and "retenu" in closed and "Groupement Erdre" in closed
    suggestions = text(client.get(f"/suggestions/besoin/{tender.id}"))
    assert "Trocantons Rezé" in suggestions and "Présélectionner" not in suggestions
    assert db.get(Consortium, groupement.id).outcome == "not_retained"
    assert "Non retenu" in text(client.get(f"/groupements/{groupement.id}"))  # its status
    told = set(db.scalars(select(Notification.organisation_id).where(
        Notification.kind == "outcome")))
    assert orgs["asso_reuse"].id in told  # the groupement's member heard the outcome
    assert client.post(f"/suggestions/{match.id}/shortlist").status_code == 302  # refused
    assert db.scalar(select(func.count(FollowUpEvent.id)).where(
        FollowUpEvent.kind == "shortlisted")) == 0


def test_an_outside_winner_needs_a_name_when_unknown(client, auth, territory):
    _, tender = territory
    login(auth, "buyer")
    refused = client.post(f"/publier/{tender.id}/cloturer", data={
        "reason": "awarded", "outside_siret": new_siret()})
    assert "indiquez le nom du titulaire" in text(refused)


def test_feedback_answer_is_stored_and_changeable(client, auth, db, territory):
    orgs, tender = territory
    match = match_of(db, tender, orgs["siae_reuse"])
    login(auth, "siae_reuse")
    missing = client.post(f"/suggestions/{match.id}/avis", data={"reason": "too_far"},
                          headers={"HX-Request": "true"})
    assert missing.status_code == 422 and "Ce champ est obligatoire." in text(missing)
    assert 'value="too_far" selected' in text(missing)  # what was chosen is kept
    client.post(f"/suggestions/{match.id}/avis", data={"useful": "oui", "reason": "relevant"})
    client.post(f"/suggestions/{match.id}/avis", data={"useful": "non", "reason": "too_far",
                                                       "comment": "Trop loin"})
    rows = list(db.scalars(select(SuggestionFeedback)))
    assert [(r.side, r.useful, r.reason) for r in rows] == [("supplier", False, "too_far")]
    assert "Votre avis : pas utile" in text(client.get("/tableau-de-bord/"))
