"""Notifications and their e-mails: immediately, in a weekly digest, or never."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.accounts import register_user
from app.services.notify import MailSettings, notify, send_weekly_digests
from models import Membership, Notification
from tests.factories import make_membership, make_organisation


@pytest.fixture
def settings(tmp_path) -> MailSettings:
    return MailSettings(outbox_dir=str(tmp_path / "outbox"), sender="Essaim <essaim@test>",
                        base_url="https://essaim.example")


def outbox(settings: MailSettings) -> list:
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
                          "/annonces/1", settings=settings)
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
    notify(db, organisation, "message", "Bonjour", settings=settings)
    assert [m["To"] for m in outbox(settings)] == ["a@example.org"]


@pytest.mark.parametrize("frequency, email", [("none", True), ("immediate", False)])
def test_in_app_only_notifications_send_nothing(db, settings, frequency, email):
    organisation = organisation_with_members(db, frequency, "a@example.org")
    notification = notify(db, organisation, "message", "Bonjour", email=email, settings=settings)
    assert outbox(settings) == []
    assert notification.id is not None and notification.emailed_at is not None  # nothing pending
    assert send_weekly_digests(db, settings) == 0


def test_weekly_digest_groups_notifications_per_organisation(db, settings):
    weekly = organisation_with_members(db, "weekly", "a@example.org")
    other = make_organisation(db, "Cuisine d'insertion", alert_frequency="weekly")
    user = register_user(db, "c@example.org", "motdepasse-solide")
    make_membership(db, user.id, other)
    for text in ("Première alerte", "Deuxième alerte"):
        notify(db, weekly, "opportunity", text, settings=settings)
    notify(db, other, "message", "Un message", settings=settings)
    assert outbox(settings) == []  # queued, not sent

    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert send_weekly_digests(db, settings, now) == 2
    mails = {m["To"]: m for m in outbox(settings)}
    assert set(mails) == {"a@example.org", "c@example.org"}
    digest = mails["a@example.org"].get_content()
    assert "Première alerte" in digest and "Deuxième alerte" in digest
    assert "2 nouveauté(s)" in mails["a@example.org"]["Subject"]
    assert all(n.emailed_at is not None for n in db.scalars(select(Notification)))
    assert send_weekly_digests(db, settings, now) == 0  # nothing is sent twice


def test_unreachable_smtp_keeps_the_notification_and_does_not_crash(db, settings, caplog):
    organisation = organisation_with_members(db, "immediate", "a@example.org")
    broken = MailSettings(host="127.0.0.1", port=1, outbox_dir=settings.outbox_dir)
    notification = notify(db, organisation, "message", "Bonjour", settings=broken)
    assert notification.id is not None and notification.emailed_at is None
    assert outbox(settings) == []
    assert "could not be sent" in caplog.text


def test_settings_come_from_the_app_config():
    settings = MailSettings.from_config({"SMTP_HOST": "smtp.example", "SMTP_PORT": "587",
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
    assert "Récapitulatifs hebdomadaires envoyés : 1" in result.output
    outbox_dir = Path(app.config["MAIL_OUTBOX_DIR"])
    assert any("Bonjour" in path.read_text() for path in outbox_dir.glob("*.eml"))
