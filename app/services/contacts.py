"""Who may see an organisation's contact details (e-mail, phone, address, website).

Consent rule: an organisation shows its contact details to another one only once it has itself
written to it (started a thread with it, or replied in one). Receiving an unsolicited message
reveals nothing of the recipient to the sender.
"""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from models import Membership, Message, Organisation, Thread, User


def can_see_contact_details(session: Session, user: User | None,
                            organisation: Organisation) -> bool:
    """True for animators, the organisation's own members, and active members of an
    organisation that `organisation` has written to; false for everyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_animator:
        return True
    own = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.status == "active")
    if organisation.id in set(session.scalars(own)):
        return True
    return bool(session.scalar(select(has_written_to(organisation.id, own))))


def has_written_to(author_id: int, readers):
    """EXISTS: a message by `author_id` in a thread it shares with one of `readers`."""
    return exists().where(
        Message.thread_id == Thread.id, Message.sender_organisation_id == author_id,
        or_((Thread.initiator_id == author_id) & Thread.recipient_id.in_(readers),
            (Thread.recipient_id == author_id) & Thread.initiator_id.in_(readers)))
