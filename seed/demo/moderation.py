"""Demo content for the animators' space: a message waiting for an organisation nobody
manages yet, and a reported posting, so that `make run` shows a non-empty moderation queue.
Idempotent: nothing is added when the queue already has its demo items."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.services.accounts import find_user
from models import Membership, Message, ModerationItem, Organisation, Posting, Thread
from seed.demo.logins import DEMO_ACCOUNTS

DEMO_SUBJECT = "Reprise de mobilier de bureau"
DEMO_BODY = ("Bonjour, la Ville de Rezé renouvelle le mobilier de deux services : une "
             "quarantaine de bureaux et de chaises en bon état. Pourriez-vous les reprendre "
             "pour le réemploi ? Nous pouvons en parler la semaine prochaine.")
REPORT_NOTE = "Annonce publiée deux fois, avec des dates différentes : laquelle est la bonne ?"


def _memberless_ess(session: Session) -> Organisation | None:
    """A reemploi ESS organisation without any member, with a website (claimable by domain)."""
    has_member = exists().where(Membership.organisation_id == Organisation.id)
    return session.scalars(select(Organisation).where(
        Organisation.kind == "ess", ~has_member, Organisation.website != "")
        .order_by(Organisation.name)).first()


def ensure_moderation_demo(session: Session, by_key: dict[str, Organisation]) -> int:
    """Add the demo queue items when missing; returns how many were added."""
    if session.scalar(select(exists().where(ModerationItem.id.isnot(None)))):
        return 0
    session.flush()
    buyer = by_key.get("commune-44143")
    users = {a.org_key: a.email for a in DEMO_ACCOUNTS}
    buyer_user = find_user(session, users["commune-44143"])
    company_user = find_user(session, users["constructions-erdre"])
    target = _memberless_ess(session)
    added = 0
    if buyer is not None and buyer_user is not None and target is not None:
        thread = Thread(subject=DEMO_SUBJECT, initiator=buyer, recipient=target)
        thread.messages.append(Message(sender_organisation=buyer, sender_user=buyer_user,
                                       body=DEMO_BODY))
        session.add(thread)
        session.add(ModerationItem(kind="message", organisation=target, user=buyer_user,
                                   thread=thread))
        added += 1
    posting = session.scalars(select(Posting).where(Posting.status == "published")
                              .order_by(Posting.id)).first()
    if posting is not None and company_user is not None:
        session.add(ModerationItem(kind="report", organisation=posting.organisation,
                                   user=company_user, posting=posting, note=REPORT_NOTE))
        added += 1
    return added
