"""Contact threads between two organisations, optionally about a posting."""

from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.services.follow_up import has_event, record
from app.services.moderation import has_members, queue_message
from app.services.notify import notify
from app.services.races import added_once
from models import Message, Organisation, Posting, Thread, User, ValidationError
from models.message import conversation_key
from models.validators import too_long

MAX_BODY = 5000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("Le message ne peut pas être vide.", "body")
    if len(body) > MAX_BODY:
        raise ValidationError(too_long("Le message", body, MAX_BODY), "body")
    return body


def find_thread(session: Session, sender_id: int, recipient_id: int,
                posting_id: int | None) -> Thread | None:
    """The thread these two organisations already have about this posting (either way round)."""
    return session.scalar(select(Thread).where(
        Thread.conversation == conversation_key(sender_id, recipient_id, posting_id)))


def _open_thread(session: Session, sender: Organisation, recipient: Organisation,
                 subject: str, posting: Posting | None) -> Thread:
    """Get or create the pair's thread; of simultaneous first messages, one creates it and
    the others write in it."""
    posting_id = posting.id if posting else None
    thread = find_thread(session, sender.id, recipient.id, posting_id)
    if thread is not None:
        return thread
    subject = (subject or "").strip() or (posting.title if posting else "Prise de contact")
    thread = Thread(subject=subject[:200], posting=posting, initiator=sender, recipient=recipient)
    if added_once(session, lambda: session.add(thread)):
        return thread
    return find_thread(session, sender.id, recipient.id, posting_id)


def start_thread(session: Session, sender: Organisation, user: User, recipient: Organisation,
                 subject: str, body: str, posting: Posting | None,
                 link: Callable[[Thread], str]) -> Thread:
    """Write to another organisation; an existing thread on the same subject is continued."""
    if sender.id == recipient.id:
        raise ValidationError("Vous ne pouvez pas écrire à votre propre organisation.")
    body = _clean_body(body)
    thread = _open_thread(session, sender, recipient, subject, posting)
    reply(session, thread, sender, user, body, link)
    return thread


def reply(session: Session, thread: Thread, sender: Organisation, user: User, body: str,
          link: Callable[[Thread], str]) -> Message:
    """Add a message; the other side is notified, or, when it has no member yet, the
    conversation goes to the animators' moderation queue (delivered once it is claimed)."""
    if not thread.involves(sender.id):
        raise ValidationError("Votre organisation ne participe pas à cette conversation.")
    message = Message(thread=thread, sender_organisation=sender, sender_user=user,
                      body=_clean_body(body))
    session.add(message)
    session.flush()
    other = other_side(thread, sender.id)
    _follow_up(session, thread, sender, other, user)
    if not has_members(session, other.id):
        queue_message(session, thread, user)
        return message
    notify(session, other, "message",
           f"Nouveau message de {sender.name} : « {thread.subject} ».", link(thread))
    return message


def _follow_up(session: Session, thread: Thread, sender: Organisation, other: Organisation,
               user: User) -> None:
    """A message about a need is a step of its follow-up: the buyer's first message
    « contacted » the supplier; the supplier's answer « replied » (its first message, when the
    buyer has not written yet, counts as a contact)."""
    posting = thread.posting
    if posting is None or posting.direction != "need":
        return
    if sender.id == posting.organisation_id:
        record(session, posting.id, "contacted", organisation_id=other.id, actor=user)
    elif other.id == posting.organisation_id:
        answered = has_event(session, posting.id, "contacted", organisation_id=sender.id)
        record(session, posting.id, "replied" if answered else "contacted",
               organisation_id=sender.id, actor=user,
               note="" if answered else "À l'initiative du fournisseur")


def other_side(thread: Thread, organisation_id: int) -> Organisation:
    return thread.recipient if thread.initiator_id == organisation_id else thread.initiator


def threads_of(session: Session, organisation_ids: set[int]) -> list[Thread]:
    """Threads any of these organisations takes part in, most recently active first."""
    if not organisation_ids:
        return []
    return list(session.scalars(select(Thread).where(or_(
        Thread.initiator_id.in_(organisation_ids), Thread.recipient_id.in_(organisation_ids)))
        .order_by(Thread.updated_at.desc(), Thread.id.desc())))
