"""Who belongs to which organisation: requests to join, and the owners' decision."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.moderation import dismiss_membership_items, has_members, queue_join_request
from app.services.notify import notify
from app.services.races import added_once
from models import Membership, Organisation, User, ValidationError


def membership_of(session: Session, user_id: int, organisation_id: int) -> Membership | None:
    return session.scalar(select(Membership).where(
        Membership.user_id == user_id, Membership.organisation_id == organisation_id))


def is_active_member(session: Session, user_id: int, organisation_id: int) -> bool:
    membership = membership_of(session, user_id, organisation_id)
    return membership is not None and membership.status == "active"


def is_owner(session: Session, user_id: int, organisation_id: int) -> bool:
    membership = membership_of(session, user_id, organisation_id)
    return membership is not None and membership.status == "active" and membership.role == "owner"


def memberships_of_user(session: Session, user_id: int) -> list[Membership]:
    """The user's active and pending memberships, by organisation name."""
    return list(session.scalars(
        select(Membership).join(Organisation).where(Membership.user_id == user_id)
        .order_by(Organisation.name)))


def request_to_join(session: Session, user: User, organisation: Organisation,
                    members_url: str = "") -> Membership:
    """Ask to join: a pending membership, and a notification to the organisation's members
    (to the animators' moderation queue when it has none yet).
    Asking twice (even twice at once) is refused with a message, never a second row."""
    _refuse_existing(membership_of(session, user.id, organisation.id))
    membership = Membership(user_id=user.id, organisation_id=organisation.id, role="member",
                            status="pending")
    if not added_once(session, lambda: session.add(membership)):
        _refuse_existing(membership_of(session, user.id, organisation.id))
        raise ValidationError("Votre demande est déjà en attente.")
    if not has_members(session, organisation.id):
        queue_join_request(session, membership, user)
        return membership
    notify(session, organisation, "join_request",
           f"{user.name or user.email} demande à rejoindre {organisation.name}.", members_url)
    return membership


def _refuse_existing(existing: Membership | None) -> None:
    if existing is not None:
        raise ValidationError("Votre demande est déjà en attente." if existing.status == "pending"
                              else "Vous êtes déjà membre de cette organisation.")


def members_of(session: Session, organisation_id: int) -> list[Membership]:
    """Active members first (owners on top), then the pending requests."""
    rows = session.scalars(select(Membership).join(User).where(
        Membership.organisation_id == organisation_id).order_by(User.email))
    return sorted(rows, key=lambda m: (m.status != "active", m.role != "owner"))


def decide_request(session: Session, membership: Membership, accept: bool) -> None:
    """An owner accepts (the member becomes active) or refuses (the request is deleted)."""
    if membership.status != "pending":
        raise ValidationError("Cette demande a déjà été traitée.")
    dismiss_membership_items(session, membership)
    if accept:
        membership.status = "active"
    else:
        session.delete(membership)
    session.flush()
