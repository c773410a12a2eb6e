"""Notifications to organisations, and the e-mails that carry them (now, weekly, or never).

A Notification is addressed to an organisation; all its active members see it in the app.
`emailed_at` set means « no e-mail is pending for it » (handed to the mail job, or not wanted).
E-mails never leave inside the transaction that creates them: an outbox event asks the job
queue to send them after the commit, one job per notification or per digest recipient, so a
retried job sends nothing twice that already went out.
"""

from collections import defaultdict
from datetime import UTC, datetime
from textwrap import shorten

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.infra.mail import Mailer
from models import Membership, Notification, Organisation, User
from models.change_log import emit

NOTIFICATION_EMAIL, DIGEST_EMAIL = "notification_email", "digest_email"


class MailNotSent(RuntimeError):
    """The transport failed: the job raises so that the queue retries it later."""


def notify(session: Session, organisation: Organisation, kind: str, text: str, url: str = "",
           email: bool = True) -> Notification:
    """Notify an organisation; e-mail its members after the commit, weekly, or not at all."""
    notification = Notification(organisation_id=organisation.id, kind=kind, text=text, url=url)
    session.add(notification)
    frequency = organisation.alert_frequency
    if not email or frequency == "none":
        notification.emailed_at = datetime.now(UTC)
    session.flush()
    if email and frequency == "immediate":
        emit(session, NOTIFICATION_EMAIL, notification_id=notification.id)
    return notification


def member_emails(session: Session, organisation_id: int) -> list[str]:
    return list(session.scalars(
        select(User.email).join(Membership).where(
            Membership.organisation_id == organisation_id, Membership.status == "active",
            User.active.is_(True)).order_by(User.email)))


def email_notification(session: Session, mailer: Mailer, notification_id: int) -> None:
    """Job: e-mail one notification to every active member (one message each)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.emailed_at is not None:
        return
    subject = f"Essaim · {shorten(notification.text, 90, placeholder='…')}"
    body = _notification_body(mailer, [notification])
    failed = [address for address in member_emails(session, notification.organisation_id)
              if not mailer.send(address, subject, body)]
    if failed:
        raise MailNotSent(f"notification {notification_id}: {len(failed)} e-mail(s) failed")
    notification.emailed_at = datetime.now(UTC)


def _notification_body(mailer: Mailer, notifications: list[Notification]) -> str:
    lines = []
    for notification in notifications:
        lines.append(f"- {notification.text}")
        if notification.url:
            lines.append(f"  {mailer.base_url}{notification.url}")
    lines += ["", "Vous recevez ce message parce que votre organisation est inscrite sur Essaim.",
              "Réglez la fréquence des alertes dans les préférences de votre organisation."]
    return "\n".join(lines)


def _pending_weekly(session: Session) -> dict[int, list[Notification]]:
    """Notifications awaiting the digest, by organisation (weekly organisations only)."""
    pending = session.scalars(
        select(Notification).join(Organisation, Organisation.id == Notification.organisation_id)
        .where(Organisation.alert_frequency == "weekly", Notification.emailed_at.is_(None))
        .order_by(Notification.id))
    by_organisation: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_organisation[notification.organisation_id].append(notification)
    return by_organisation


def send_weekly_digests(session: Session, now: datetime | None = None) -> int:
    """Queue one digest e-mail per member of each weekly organisation with pending
    notifications (one job per recipient); returns how many organisations get one."""
    now = now or datetime.now(UTC)
    pending = _pending_weekly(session)
    for organisation_id, notifications in pending.items():
        ids = [n.id for n in notifications]
        for address in member_emails(session, organisation_id):
            emit(session, DIGEST_EMAIL, organisation_id=organisation_id, address=address,
                 notification_ids=ids)
        for notification in notifications:
            notification.emailed_at = now
    session.flush()
    return len(pending)


def email_digest(session: Session, mailer: Mailer, organisation_id: int, address: str,
                 notification_ids: list[int]) -> None:
    """Job: one recipient's weekly digest (its outbox event is marked done once sent)."""
    organisation = session.get(Organisation, organisation_id)
    notifications = list(session.scalars(select(Notification).where(
        Notification.id.in_(notification_ids)).order_by(Notification.id)))
    if organisation is None or not notifications:
        return
    subject = (f"Essaim · {organisation.name} · "
               f"{len(notifications)} nouveauté(s) cette semaine")
    if not mailer.send(address, subject, _notification_body(mailer, notifications)):
        raise MailNotSent(f"digest of organisation {organisation_id} to {address} failed")


def unread_count(session: Session, organisation_ids: set[int]) -> int:
    if not organisation_ids:
        return 0
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.organisation_id.in_(organisation_ids), Notification.read_at.is_(None))) or 0


def notifications_for(session: Session, organisation_ids: set[int],
                      limit: int = 100) -> list[Notification]:
    return list(session.scalars(
        select(Notification).where(Notification.organisation_id.in_(organisation_ids))
        .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, notifications: list[Notification]) -> None:
    now = datetime.now(UTC)
    for notification in notifications:
        notification.read_at = notification.read_at or now
    session.flush()
