"""Follow-up of a need: the history (never overwritten), counts read from it, closing with its
outcome (Awards, candidates told once), reminders (frozen dates, never twice), feedback."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.services.closing import NEED_CLOSED, Outcome, close_with_outcome, tell_outcome
from app.services.feedback import Answer, give_feedback
from app.services.follow_up import counts_by_need, record, states_by_organisation, timeline
from app.services.match_actions import apply_action
from app.services.messaging import start_thread
from app.services.references import references_for
from app.services.reminders import send_reminders
from models import (
    Award,
    Consortium,
    ConsortiumMember,
    FollowUpEvent,
    Match,
    NotAllowed,
    Notification,
    OutboxEvent,
    ReminderSent,
    SuggestionFeedback,
    User,
    ValidationError,
)
from tests.factories import make_organisation, make_posting, new_siret

TODAY = date.today()


@pytest.fixture
def tender(db):
    buyer = make_organisation(db, "Ville de Rezé", kind="public_buyer")
    posting = make_posting(db, buyer, "Collecte de mobilier", type="tender",
                           deadline=TODAY + timedelta(days=30))
    suppliers = [make_organisation(db, name) for name in ("Trocantons", "Ressourcerie",
                                                           "Coursiers")]
    for score, supplier in zip((0.9, 0.8, 0.7), suppliers, strict=True):
        db.add(Match(need_id=posting.id, organisation_id=supplier.id, score=score))
    db.commit()
    user = User(email="acheteur@example.org", password_hash="x", name="Alice")
    db.add(user)
    db.commit()
    return posting, buyer, suppliers, user


def match_of(db, posting, supplier) -> Match:
    return db.scalar(select(Match).where(Match.need_id == posting.id,
                                         Match.organisation_id == supplier.id))


def act(db, posting, supplier, action, acting_id, user=None):
    apply_action(db, match_of(db, posting, supplier), action, {acting_id}, user)
    db.commit()


def test_history_keeps_every_step_and_counts_read_it(db, tender):
    posting, buyer, (troc, ress, _), user = tender
    act(db, posting, troc, "interested", troc.id)
    act(db, posting, troc, "shortlist", buyer.id, user)  # used to overwrite « intéressé »
    act(db, posting, ress, "shortlist", buyer.id, user)
    act(db, posting, ress, "dismiss", buyer.id, user)
    counts = counts_by_need(db, [posting.id])[posting.id]
    assert (counts.interested, counts.shortlisted) == (1, 1)  # not « 1 intéressé, 0 présél. »
    assert match_of(db, posting, ress).dismissed
    act(db, posting, ress, "restore", buyer.id, user)  # undo
    assert not match_of(db, posting, ress).dismissed
    assert counts_by_need(db, [posting.id])[posting.id].shortlisted == 2
    kinds = [e.kind for e in db.scalars(select(FollowUpEvent).order_by(FollowUpEvent.id))]
    assert kinds == ["interested", "shortlisted", "shortlisted", "dismissed", "restored"]
    entries = timeline(db, posting)
    assert [e.kind for e in entries[:3]] == ["suggested"] * 3
    assert any(e.kind == "shortlisted" and e.actor == "Alice" for e in entries)


def test_the_buyer_is_told_of_interest_and_sides_are_checked(db, tender):
    posting, buyer, (troc, *_), _ = tender
    with pytest.raises(NotAllowed):  # the supplier may not shortlist itself
        act(db, posting, troc, "shortlist", troc.id)
    act(db, posting, troc, "interested", troc.id)
    told = db.scalars(select(Notification).where(Notification.organisation_id == buyer.id))
    assert [n.kind for n in told] == ["interest"]


def test_contact_is_recorded_only_when_a_message_is_sent(db, tender):
    posting, buyer, (troc, *_), user = tender
    act(db, posting, troc, "contact", buyer.id, user)  # the button only opens the form
    assert db.scalar(select(func.count(FollowUpEvent.id))) == 0
    thread = start_thread(db, buyer, user, troc, "", "Bonjour, êtes-vous disponibles ?",
                          posting, lambda t: f"/messages/{t.id}")
    start_thread(db, buyer, user, troc, "", "Une précision", posting, lambda t: "")
    from app.services.messaging import reply
    reply(db, thread, troc, user, "Oui, volontiers.", lambda t: "")
    db.commit()
    state = states_by_organisation(db, posting.id)[troc.id]
    assert state.contacted and state.replied
    assert [e.kind for e in db.scalars(select(FollowUpEvent))] == ["contacted", "replied"]


def test_closing_records_awards_outcomes_and_tells_candidates_once(db, tender):
    posting, buyer, (troc, ress, cours), user = tender
    act(db, posting, troc, "interested", troc.id)
    act(db, posting, ress, "shortlist", buyer.id, user)
    groupement = Consortium(name="Groupement Loire", posting_id=posting.id,
                            created_by_id=cours.id, status="submitted")
    groupement.members = [ConsortiumMember(organisation_id=cours.id, role="lead",
                                           invitation_status="accepted")]
    db.add(groupement)
    db.commit()
    awards = close_with_outcome(db, posting, Outcome(
        "awarded", [troc.id], amount=Decimal("48000"), awarded_on=TODAY), user)
    db.commit()
    assert [(a.organisation_id, a.source, a.amount) for a in awards] == [
        (troc.id, "essaim", Decimal("48000"))]
    assert references_for(db, troc)[0].posting_id == posting.id  # on the winner's page
    states = states_by_organisation(db, posting.id)
    assert (states[troc.id].outcome, states[ress.id].outcome) == ("retained", "not_retained")
    assert db.get(Consortium, groupement.id).outcome == "not_retained"
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.topic == NEED_CLOSED))
    assert tell_outcome(db, posting.id) == 3  # Trocantons, Ressourcerie, the groupement's member
    assert tell_outcome(db, posting.id) == 0  # a retried job tells nobody twice
    texts = {n.organisation_id: n.text for n in db.scalars(
        select(Notification).where(Notification.kind == "outcome"))}
    assert "retenue" in texts[troc.id] and "n'a pas été retenue" in texts[ress.id]
    assert "Groupement Loire" in texts[cours.id]
    assert len(timeline(db, posting)) > 3  # closing hides nothing


@pytest.mark.parametrize("outcome, field", [
    (Outcome("awarded"), "organisation_ids"),
    (Outcome("awarded", outside_siret="12345678901234", outside_name="X"), "outside_siret"),
    (Outcome("awarded", outside_siret="PLACEHOLDER"), "outside_name"),
    (Outcome("cancelled", outside_siret="PLACEHOLDER"), "reason"),
    (Outcome("awarded", [999999]), "organisation_ids"),
    (Outcome("awarded", outside_siret="PLACEHOLDER", outside_name="X",
             awarded_on=TODAY + timedelta(days=2)), "awarded_on"),
])
def test_closing_refuses_incomplete_or_wrong_outcomes(db, tender, outcome, field):
    posting, *_ = tender
    if outcome.outside_siret == "PLACEHOLDER":
        outcome.outside_siret = new_siret()
    with pytest.raises(ValidationError) as refused:
        close_with_outcome(db, posting, outcome)
    assert refused.value.field == field
    db.rollback()
    assert db.scalar(select(func.count(Award.id))) == 0


def test_an_outside_winner_by_siret_is_normalised_and_linked_later(db, tender):
    posting, *_ = tender
    siret = new_siret()
    typed = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    close_with_outcome(db, posting, Outcome("awarded", outside_siret=typed,
                                            outside_name="Menuiserie Loire"))
    db.commit()
    award = db.scalar(select(Award))
    assert (award.winner_siret, award.organisation_id) == (siret, None)
    newcomer = make_organisation(db, "Menuiserie Loire", siret=siret)
    assert references_for(db, newcomer)[0].id == award.id


def _published(db, posting, days_ago: int) -> None:
    posting.published_at = datetime.now(UTC) - timedelta(days=days_ago)
    db.commit()


def test_buyer_reminders_at_7_14_21_days_never_twice(db, tender):
    posting, buyer, (troc, *_), user = tender
    _published(db, posting, 0)
    day = TODAY
    assert send_reminders(db, day + timedelta(days=6)) == 0
    assert send_reminders(db, day + timedelta(days=7)) == 1
    assert send_reminders(db, day + timedelta(days=7)) == 0  # a re-run sends nothing
    assert send_reminders(db, day + timedelta(days=10)) == 0
    assert send_reminders(db, day + timedelta(days=14)) == 1
    assert send_reminders(db, day + timedelta(days=22)) == 1
    db.commit()
    kinds = sorted(db.scalars(select(ReminderSent.kind)))
    assert kinds == ["buyer_14", "buyer_21", "buyer_7"]
    reminders = list(db.scalars(select(Notification).where(Notification.kind == "reminder")))
    assert len(reminders) == 3 and "depuis 7 jours" in reminders[0].text


def test_no_buyer_reminder_once_the_buyer_moved(db, tender):
    posting, buyer, (troc, *_), user = tender
    _published(db, posting, 0)
    act(db, posting, troc, "shortlist", buyer.id, user)
    assert send_reminders(db, TODAY + timedelta(days=7)) == 0


def test_suppliers_are_reminded_before_the_deadline(db, tender):
    posting, buyer, (troc, ress, cours), _ = tender
    _published(db, posting, 0)
    record(db, posting.id, "restored", organisation_id=cours.id)  # the buyer moved: no buyer one
    act(db, posting, troc, "interested", troc.id)
    act(db, posting, ress, "declined", ress.id)
    forming = Consortium(name="G", posting_id=posting.id, created_by_id=cours.id)
    forming.members = [ConsortiumMember(organisation_id=cours.id, role="lead",
                                        invitation_status="accepted")]
    db.add(forming)
    db.commit()
    deadline = posting.deadline
    assert send_reminders(db, deadline - timedelta(days=4)) == 0
    assert send_reminders(db, deadline - timedelta(days=3)) == 2  # Trocantons and the groupement
    assert send_reminders(db, deadline - timedelta(days=1)) == 0  # never twice
    db.commit()
    told = set(db.scalars(select(Notification.organisation_id).where(
        Notification.kind == "reminder")))
    assert told == {troc.id, cours.id}


def test_feedback_is_one_answer_per_user_and_changeable(db, tender):
    posting, buyer, (troc, *_), user = tender
    match = match_of(db, posting, troc)
    give_feedback(db, match, user, "buyer", Answer(True, "relevant"))
    give_feedback(db, match, user, "buyer", Answer(False, "too_far", "Trop loin de Rezé"))
    db.commit()
    rows = list(db.scalars(select(SuggestionFeedback)))
    assert [(r.useful, r.reason, r.comment) for r in rows] == [
        (False, "too_far", "Trop loin de Rezé")]
    with pytest.raises(ValidationError):
        give_feedback(db, match, user, "buyer", Answer(None))
