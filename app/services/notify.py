"""Notifications to organisations, and the e-mails that carry them (now, weekly, or never).

A Notification is addressed to an organisation; all its active members see it in the app.
`emailed_at` set means « no e-mail is pending for it » (sent, or not wanted).
The mail transport is SMTP when a host is configured, else .eml files in an outbox folder.
"""

import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from textwrap import shorten

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Membership, Notification, Organisation, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    """Where and how e-mails leave; built from the app config by the web layer and the CLI."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "Essaim <noreply@essaim.local>"
    outbox_dir: str = "instance/outbox"
    base_url: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> "MailSettings":
        return cls(host=config.get("SMTP_HOST", ""), port=int(config.get("SMTP_PORT", 25)),
                   user=config.get("SMTP_USER", ""), password=config.get("SMTP_PASSWORD", ""),
                   sender=config.get("MAIL_FROM", cls.sender),
                   outbox_dir=config.get("MAIL_OUTBOX_DIR", cls.outbox_dir),
                   base_url=config.get("BASE_URL", ""))


_settings = MailSettings()


def configure(settings: MailSettings) -> None:
    """Set the settings `notify` uses when none are passed (called once when the app starts)."""
    global _settings
    _settings = settings


def current_settings() -> MailSettings:
    return _settings


def notify(session: Session, organisation: Organisation, kind: str, text: str, url: str = "",
           email: bool = True, settings: MailSettings | None = None) -> Notification:
    """Notify an organisation; e-mail its members now, in the weekly digest, or not at all."""
    notification = Notification(organisation_id=organisation.id, kind=kind, text=text, url=url)
    session.add(notification)
    frequency = organisation.alert_frequency
    if not email or frequency == "none":
        notification.emailed_at = datetime.now(UTC)
    elif frequency == "immediate":
        settings = settings or _settings
        body = _notification_body(settings, [notification])
        subject = f"Essaim · {shorten(text, 90, placeholder='…')}"
        if send_to_members(session, organisation, subject, body, settings):
            notification.emailed_at = datetime.now(UTC)
    session.flush()
    return notification


def member_emails(session: Session, organisation_id: int) -> list[str]:
    return list(session.scalars(
        select(User.email).join(Membership).where(
            Membership.organisation_id == organisation_id, Membership.status == "active",
            User.active.is_(True)).order_by(User.email)))


def send_to_members(session: Session, organisation: Organisation, subject: str, body: str,
                    settings: MailSettings) -> bool:
    """One e-mail per active member (no shared To: line); True unless the transport failed."""
    return all(deliver(_message(settings, address, subject, body), settings)
               for address in member_emails(session, organisation.id))


def deliver(message: EmailMessage, settings: MailSettings) -> bool:
    """SMTP when a host is configured, else an .eml file in the outbox; False on failure."""
    try:
        if settings.host:
            _smtp_send(message, settings)
        else:
            _write_eml(message, settings.outbox_dir)
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail to %s could not be sent", message["To"])
        return False
    return True


def _smtp_send(message: EmailMessage, settings: MailSettings) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=15) as smtp:
        if settings.user:
            smtp.starttls()
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)


def _write_eml(message: EmailMessage, outbox_dir: str) -> Path:
    folder = Path(outbox_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    return path


def _message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _notification_body(settings: MailSettings, notifications: list[Notification]) -> str:
    lines = []
    for notification in notifications:
        lines.append(f"- {notification.text}")
        if notification.url:
            lines.append(f"  {settings.base_url}{notification.url}")
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


def send_weekly_digests(session: Session, settings: MailSettings | None = None,
                        now: datetime | None = None) -> int:
    """One digest e-mail per weekly organisation with pending notifications; returns how many."""
    settings, now = settings or _settings, now or datetime.now(UTC)
    sent = 0
    for organisation_id, notifications in _pending_weekly(session).items():
        organisation = session.get(Organisation, organisation_id)
        subject = (f"Essaim · {organisation.name} · "
                   f"{len(notifications)} nouveauté(s) cette semaine")
        body = _notification_body(settings, notifications)
        if send_to_members(session, organisation, subject, body, settings):
            for notification in notifications:
                notification.emailed_at = now
            sent += 1
    session.flush()
    return sent


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
