"""Reminders, run once a day by the job queue (`Jobs.send_reminders`).

- To the buyer, 7, 14 and 21 days after publishing a need, while it has not moved: no
  shortlist, contact, dismissal or restoration by the buyer since publication. A day missed by
  the job is not made up: only the latest step reached is sent.
- To suppliers, DEADLINE_DAYS days (or fewer) before a need's deadline: those that said
  « intéressé » and the members of a groupement not yet submitted for it.

Each reminder is recorded (`ReminderSent`, unique per posting, organisation and kind) before its
notification is written, in the same transaction: a re-run never sends one twice.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.follow_up import counts_by_need, states_by_organisation
from app.services.notify import notify
from app.services.races import added_once
from models import Consortium, FollowUpEvent, Organisation, Posting, ReminderSent
from models.follow_up import BUYER_KINDS

BUYER_DAYS = (7, 14, 21)
DEADLINE_DAYS = 3


def send_reminders(session: Session, today: date | None = None) -> int:
    """Send the reminders due `today`; returns how many were sent."""
    today = today or date.today()
    needs = session.scalars(select(Posting).where(
        Posting.direction == "need", Posting.status == "published").order_by(Posting.id))
    sent = 0
    for posting in needs:
        if posting.is_past_deadline(today):
            continue
        sent += _buyer_reminder(session, posting, today)
        sent += _deadline_reminders(session, posting, today)
    session.flush()
    return sent


def _once(session: Session, posting: Posting, organisation: Organisation, kind: str) -> bool:
    """Record the reminder; False when it was already sent."""
    exists = session.scalar(select(ReminderSent.id).where(
        ReminderSent.posting_id == posting.id, ReminderSent.organisation_id == organisation.id,
        ReminderSent.kind == kind))
    return exists is None and added_once(session, lambda: session.add(ReminderSent(
        posting_id=posting.id, organisation_id=organisation.id, kind=kind)))


def buyer_moved(session: Session, posting: Posting) -> bool:
    return session.scalar(select(FollowUpEvent.id).where(
        FollowUpEvent.need_id == posting.id, FollowUpEvent.kind.in_(BUYER_KINDS))
        .limit(1)) is not None


def _buyer_reminder(session: Session, posting: Posting, today: date) -> int:
    if posting.published_at is None:
        return 0
    days = (today - posting.published_at.date()).days
    due = [step for step in BUYER_DAYS if days >= step]
    if not due or buyer_moved(session, posting):
        return 0
    if not _once(session, posting, posting.organisation, f"buyer_{due[-1]}"):
        return 0
    counts = counts_by_need(session, [posting.id])[posting.id]
    waiting = (f" {counts.interested} fournisseur(s) intéressé(s) attendent votre réponse."
               if counts.interested else "")
    notify(session, posting.organisation, "reminder",
           f"Votre besoin « {posting.title} » est publié depuis {due[-1]} jours et vous n'avez "
           f"encore présélectionné ni contacté aucun fournisseur.{waiting} Consultez les "
           "fournisseurs suggérés.", f"/annonces/{posting.id}#suggestions")
    return 1


def deadline_recipients(session: Session, posting: Posting) -> list[Organisation]:
    """Interested suppliers, and members of a groupement still being formed for the need."""
    ids = [org_id for org_id, state in states_by_organisation(session, posting.id).items()
           if state.answer == "interested" and not state.dismissed]
    for consortium in session.scalars(select(Consortium).where(
            Consortium.posting_id == posting.id, Consortium.status != "submitted")):
        ids += [m.organisation_id for m in consortium.members
                if m.invitation_status == "accepted"]
    return list(session.scalars(select(Organisation).where(
        Organisation.id.in_(set(ids))).order_by(Organisation.id)))


def _deadline_reminders(session: Session, posting: Posting, today: date) -> int:
    if posting.deadline is None or not 0 <= (posting.deadline - today).days <= DEADLINE_DAYS:
        return 0
    sent = 0
    days = (posting.deadline - today).days
    when = "aujourd'hui" if days == 0 else f"dans {days} jour{'s' if days > 1 else ''}"
    for organisation in deadline_recipients(session, posting):
        if _once(session, posting, organisation, "deadline"):
            notify(session, organisation, "reminder",
                   f"La date limite de « {posting.title} » ({posting.organisation.name}) est "
                   f"{when}.", f"/annonces/{posting.id}")
            sent += 1
    return sent
