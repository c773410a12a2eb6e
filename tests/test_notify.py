"""Notifications and their e-mails: immediately, in a weekly digest, or never; e-mails leave
through outbox events run after the commit, never inside the transaction."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.infra.mail import Mailer
from app.services.accounts import register_user
from app.services.notify import (
    DIGEST_EMAIL,
    NOTIFICATION_EMAIL,
    MailNotSent,
    notify,
    send_weekly_digests,
)
from app.services.reactions import REACTIONS, JobContext
from models import Membership, Notification, Organisation, OutboxEvent
from tests.factories import make_membership, make_organisation


@pytest.fixture
def settings(tmp_path) -> Mailer:
    return Mailer(outbox_dir=str(tmp_path / "outbox"), sender="Essaim <essaim@test>",
                  base_url="https://essaim.example")


def send_mail(db, mailer: Mailer) -> int:
    """What the worker does with the committed mail events (each in its own transaction)."""
    pending = list(db.scalars(select(OutboxEvent).where(
        OutboxEvent.topic.in_((NOTIFICATION_EMAIL, DIGEST_EMAIL)), OutboxEvent.done_at.is_(None))))
    for event in pending:
        REACTIONS[event.topic](db, JobContext(mailer, None), event, **event.payload)
        event.done_at = datetime.now(UTC)
        db.commit()
    return len(pending)


def outbox(settings: Mailer) -> list:
    """The e-mails written to the outbox folder, parsed."""
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(Path(settings.outbox_dir).glob("*.eml"))]


def organisation_with_members(db, frequency: str, *emails: str):
    organisation = make_organisation(db, "Trocantons", alert_frequency=frequency)
    for email in emails:
        user = register_user(db, email, "motdepasse-solide")
        make_membership(db, user.id, organisation)
    return organisation


def test_immediate_notification_writes_one_eml_per_member(db, settings):
    organisation = organisation_with_members(db, "immediate", "a@example.org", "b@example.org")
    notification = notify(db, organisation, "opportunity", "Nouvelle opportunité : collecte.",
                          "/annonces/1")
    assert outbox(settings) == []  # nothing leaves before the commit
    db.commit()
    send_mail(db, settings)
    mails = outbox(settings)
    assert sorted(m["To"] for m in mails) == ["a@example.org", "b@example.org"]
    assert mails[0]["From"] == "Essaim <essaim@test>"
    body = mails[0].get_content()
    assert "Nouvelle opportunité : collecte." in body
    assert "https://essaim.example/annonces/1" in body
    assert notification.emailed_at is not None and notification.read_at is None


def test_pending_members_are_not_emailed(db, settings):
    organisation = organisation_with_members(db, "immediate", "a@example.org")
    user = register_user(db, "attente@example.org", "motdepasse-solide")
    db.add(Membership(user_id=user.id, organisation_id=organisation.id, status="pending"))
    db.commit()
    notify(db, organisation, "message", "Bonjour")
    db.commit()
    send_mail(db, settings)
    assert [m["To"] for m in outbox(settings)] == ["a@example.org"]


@pytest.mark.parametrize("frequency, email", [("none", True), ("immediate", False)])
def test_in_app_only_notifications_send_nothing(db, settings, frequency, email):
    organisation = organisation_with_members(db, frequency, "a@example.org")
    notification = notify(db, organisation, "message", "Bonjour", email=email)
    db.commit()
    assert send_mail(db, settings) == 0 and outbox(settings) == []
    assert notification.id is not None and notification.emailed_at is not None  # nothing pending
    assert send_weekly_digests(db) == 0


def test_weekly_digest_groups_notifications_per_organisation(db, settings):
    weekly = organisation_with_members(db, "weekly", "a@example.org")
    other = make_organisation(db, "Cuisine d'insertion", alert_frequency="weekly")
    user = register_user(db, "c@example.org", "motdepasse-solide")
    make_membership(db, user.id, other)
    for text in ("Première alerte", "Deuxième alerte"):
        notify(db, weekly, "opportunity", text)
    notify(db, other, "message", "Un message")
    db.commit()
    assert send_mail(db, settings) == 0 and outbox(settings) == []  # waiting for the digest

    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert send_weekly_digests(db, now) == 2
    db.commit()
    assert send_mail(db, settings) == 2  # one job per recipient
    mails = {m["To"]: m for m in outbox(settings)}
    assert set(mails) == {"a@example.org", "c@example.org"}
    digest = mails["a@example.org"].get_content()
    assert "Première alerte" in digest and "Deuxième alerte" in digest
    assert "2 nouveauté(s)" in mails["a@example.org"]["Subject"]
    assert all(n.emailed_at is not None for n in db.scalars(select(Notification)))
    assert send_weekly_digests(db, now) == 0  # nothing is sent twice
    assert send_mail(db, settings) == 0


def test_unreachable_smtp_keeps_the_notification_for_a_retry(db, settings, caplog):
    organisation = organisation_with_members(db, "immediate", "a@example.org")
    broken = Mailer(host="127.0.0.1", port=1, outbox_dir=settings.outbox_dir)
    notification = notify(db, organisation, "message", "Bonjour")
    db.commit()
    with pytest.raises(MailNotSent):  # the job fails: the queue retries it with backoff
        send_mail(db, broken)
    db.rollback()
    assert notification.id is not None and notification.emailed_at is None
    assert outbox(settings) == []
    assert "could not be sent" in caplog.text
    assert send_mail(db, settings) == 1 and len(outbox(settings)) == 1  # the retry delivers


def test_a_name_with_cr_lf_cannot_inject_headers(db, settings):
    """Regression: a name with CR/LF (stored before names were checked) made `send-digests`
    exit 1 and left its digest unsent, so it went out again on every run."""
    organisation = organisation_with_members(db, "weekly", "a@example.org")
    db.execute(update(Organisation).where(Organisation.id == organisation.id).values(
        name="Digest Org\r\nBcc: victim@evil.example"))
    db.expire_all()
    notify(db, organisation, "message", "Bonjour")
    db.commit()
    assert send_weekly_digests(db) == 1
    db.commit()
    assert send_mail(db, settings) == 1
    [mail] = outbox(settings)
    assert mail["Bcc"] is None and mail["To"] == "a@example.org"
    assert "\n" not in mail["Subject"]
    assert send_weekly_digests(db) == 0 and send_mail(db, settings) == 0  # marked sent


def test_settings_come_from_the_app_config():
    settings = Mailer.from_config({"SMTP_HOST": "smtp.example", "SMTP_PORT": "587",
                                         "MAIL_FROM": "x@example", "MAIL_OUTBOX_DIR": "/tmp/o"})
    assert (settings.host, settings.port, settings.sender) == ("smtp.example", 587, "x@example")


def test_send_digests_command(app, db):
    from app.cli_flows import register

    if "send-digests" not in app.cli.commands:
        register(app)
    organisation = organisation_with_members(db, "weekly", "a@example.org")
    db.add(Notification(organisation_id=organisation.id, kind="message", text="Bonjour"))
    db.commit()
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert "Récapitulatifs hebdomadaires envoyés : 1" in result.output  # jobs ran at commit
    outbox_dir = Path(app.config["MAIL_OUTBOX_DIR"])
    assert any("Bonjour" in path.read_text() for path in outbox_dir.glob("*.eml"))
