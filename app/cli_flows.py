"""`flask expire-postings` and `flask send-digests`: thin click wrappers over services
(for cron: expiry daily or hourly, digests weekly)."""

from datetime import UTC, datetime

import click
from flask import Flask, current_app

from app.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("expire-postings")
    def expire_postings() -> None:
        """Close the published postings whose deadline has passed (reason: expired)."""
        from app.services.expiry import expire_past_deadlines

        closed = expire_past_deadlines(db.session)
        db.session.commit()
        click.echo(f"Annonces closes (date limite dépassée) : {closed}")

    @app.cli.command("send-digests")
    def send_digests() -> None:
        """E-mail the weekly digest to organisations that chose a weekly frequency."""
        from app.services.notify import MailSettings, send_weekly_digests

        settings = MailSettings.from_config(current_app.config)
        sent = send_weekly_digests(db.session, settings, datetime.now(UTC))
        db.session.commit()
        click.echo(f"Récapitulatifs hebdomadaires envoyés : {sent}")
