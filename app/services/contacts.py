"""Who may see an organisation's contact details (e-mail, phone, address, website)."""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from models import Membership, Organisation, Thread, User


def can_see_contact_details(session: Session, user: User | None,
                            organisation: Organisation) -> bool:
    """True for animators, the organisation's own members, and active members of an
    organisation that shares a contact thread with it; false for everyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_animator:
        return True
    own = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.status == "active")
    if organisation.id in set(session.scalars(own)):
        return True
    shared = exists().where(or_(
        (Thread.initiator_id == organisation.id) & Thread.recipient_id.in_(own),
        (Thread.recipient_id == organisation.id) & Thread.initiator_id.in_(own)))
    return bool(session.scalar(select(shared)))
