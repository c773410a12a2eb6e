"""The animators' moderation queue: what reaches an organisation without members, claims,
reported content. Items are decided by an animator (or automatically for a claim proven by
e-mail domain); each new item e-mails the animators after the commit (outbox event)."""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, url_for
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from app.infra.mail import Mailer
from app.services.notify import notify
from models import (
    Membership,
    ModerationItem,
    NotAllowed,
    Organisation,
    Posting,
    Thread,
    User,
    ValidationError,
)
from models.change_log import emit

MODERATION_QUEUED = "moderation_queued"
KIND_LABELS = {"message": "Message à une structure sans compte",
               "join_request": "Demande d'adhésion à une structure sans compte",
               "claim": "Revendication d'une structure", "report": "Contenu signalé"}
UNREACHABLE = ("Cette structure n'a pas encore de compte sur Essaim : {what} à l'équipe "
               "d'animation, qui l'invitera à rejoindre la plateforme. Vous serez prévenu dès "
               "qu'elle pourra vous répondre.")
MESSAGE_QUEUED = UNREACHABLE.format(what="votre message est transmis")
JOIN_QUEUED = UNREACHABLE.format(what="votre demande est transmise")


def has_members(session: Session, organisation_id: int) -> bool:
    """True when someone can read what is sent to the organisation (an active member)."""
    return bool(session.scalar(select(exists().where(
        Membership.organisation_id == organisation_id, Membership.status == "active"))))


def queue(session: Session, kind: str, organisation: Organisation | None, user: User | None,
          note: str = "", **refs) -> ModerationItem:
    """Add an open item; the animators are e-mailed once the transaction commits."""
    item = ModerationItem(kind=kind, organisation=organisation, user=user, note=note, **refs)
    session.add(item)
    session.flush()
    emit(session, MODERATION_QUEUED, item_id=item.id)
    return item


def queue_message(session: Session, thread: Thread, user: User) -> ModerationItem:
    """A message to a memberless organisation: one open item per thread, however many
    messages follow before the structure is reached."""
    existing = session.scalar(select(ModerationItem).where(
        ModerationItem.kind == "message", ModerationItem.thread_id == thread.id,
        ModerationItem.status.in_(("open", "approved"))))
    return existing or queue(session, "message", thread.recipient, user, thread=thread)


def queue_join_request(session: Session, membership: Membership, user: User) -> ModerationItem:
    return queue(session, "join_request", membership.organisation, user, membership=membership)


def report_posting(session: Session, posting: Posting, user: User, note: str) -> ModerationItem:
    """« Signaler »: a reason is required; one open report per user and posting."""
    if not (note or "").strip():
        raise ValidationError("Dites en quelques mots ce qui pose problème.", "note")
    if session.scalar(select(exists().where(
            ModerationItem.kind == "report", ModerationItem.posting_id == posting.id,
            ModerationItem.user_id == user.id, ModerationItem.status == "open"))):
        raise ValidationError("Vous avez déjà signalé cette annonce : l'équipe d'animation "
                              "l'examine.")
    return queue(session, "report", posting.organisation, user, note=note, posting=posting)


# -- the queue ----------------------------------------------------------------------------------
def open_items(session: Session) -> list[ModerationItem]:
    return list(session.scalars(select(ModerationItem).where(ModerationItem.status == "open")
                                .order_by(ModerationItem.id)))


def decided_items(session: Session, limit: int = 30) -> list[ModerationItem]:
    return list(session.scalars(select(ModerationItem).where(ModerationItem.status != "open")
                                .order_by(ModerationItem.decided_at.desc(),
                                          ModerationItem.id.desc()).limit(limit)))


def open_count(session: Session) -> int:
    return session.scalar(select(func.count(ModerationItem.id)).where(
        ModerationItem.status == "open")) or 0


def _close(item: ModerationItem, status: str, animator: User | None) -> None:
    item.status, item.decided_by, item.decided_at = status, animator, datetime.now(UTC)


ItemLink = Callable[[ModerationItem], str]  # where a delivered item is read (thread, members)


def decide(session: Session, item: ModerationItem, animator: User, approve: bool,
           link: ItemLink) -> None:
    """An animator approves or rejects an open item.

    Approving a claim or a join request makes the requester owner and delivers what was
    queued for the organisation; approving a message or a report records it as handled."""
    if not animator.is_animator:
        raise NotAllowed()
    if not item.is_open:
        raise ValidationError("Cet élément a déjà été traité.")
    if not approve:
        _close(item, "rejected", animator)
        if item.kind == "join_request" and item.membership is not None:
            session.delete(item.membership)
        session.flush()
        return
    if item.kind in ("claim", "join_request"):
        if item.user is None:
            raise ValidationError("Le compte du demandeur n'existe plus : refusez la demande.")
        grant_ownership(session, item, animator, link)
    else:
        _close(item, "approved", animator)
    session.flush()


def grant_ownership(session: Session, item: ModerationItem, animator: User | None,
                    link: ItemLink) -> None:
    """The requester becomes an owner of the organisation; queued messages are delivered."""
    organisation = item.organisation
    membership = session.scalar(select(Membership).where(
        Membership.user_id == item.user_id, Membership.organisation_id == organisation.id))
    if membership is None:
        membership = Membership(user=item.user, organisation=organisation)
        session.add(membership)
    membership.role, membership.status = "owner", "active"
    _close(item, "approved", animator)
    session.flush()
    deliver_queued(session, organisation, link)


def deliver_queued(session: Session, organisation: Organisation, link: ItemLink) -> int:
    """Now that the organisation has a member: notify it of each queued conversation and of
    pending join requests; returns how many items were delivered."""
    items = list(session.scalars(select(ModerationItem).where(
        ModerationItem.organisation_id == organisation.id,
        ModerationItem.kind.in_(("message", "join_request")),
        ModerationItem.status.in_(("open", "approved"))).order_by(ModerationItem.id)))
    for item in items:
        if item.kind == "message" and item.thread is not None:
            sender = item.thread.initiator
            notify(session, organisation, "message",
                   f"Message reçu avant votre inscription, de {sender.name} : "
                   f"« {item.thread.subject} ».", link(item))
        elif item.kind == "join_request" and item.membership is not None:
            who = item.user.name or item.user.email if item.user else "Quelqu'un"
            notify(session, organisation, "join_request",
                   f"{who} demande à rejoindre {organisation.name}.", link(item))
        _close(item, "delivered", None)
    session.flush()
    return len(items)


def dismiss_membership_items(session: Session, membership: Membership) -> None:
    """An owner decided a join request itself: its queue item (if any) needs no animator."""
    session.execute(update(ModerationItem).where(
        ModerationItem.membership_id == membership.id, ModerationItem.status == "open")
        .values(status="delivered", decided_at=datetime.now(UTC)))


# -- the animators' e-mail (job) -------------------------------------------------------------
def animator_emails(session: Session) -> list[str]:
    return list(session.scalars(select(User.email).where(
        User.is_animator.is_(True), User.active.is_(True)).order_by(User.email)))


def email_animators(session: Session, mailer: Mailer, item_id: int) -> None:
    """Job: tell every animator about a new item (once: `notified_at` stops a retry)."""
    item = session.get(ModerationItem, item_id)
    if item is None or item.notified_at is not None:
        return
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        queue_url = url_for("moderation.queue", _external=True)
    what = item.organisation.name if item.organisation else "—"
    subject = f"Essaim · à modérer : {KIND_LABELS[item.kind].lower()} ({what})"
    body = (f"Bonjour,\n\n{KIND_LABELS[item.kind]} : {what}.\n"
            f"{item.note}\n\nFile de modération : {queue_url}\n")
    failed = [address for address in animator_emails(session)
              if not mailer.send(address, subject, body)]
    if failed:
        raise RuntimeError(f"moderation item {item_id}: {len(failed)} e-mail(s) failed")
    item.notified_at = datetime.now(UTC)
