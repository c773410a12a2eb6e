"""`flask` commands of the marketplace's flows: the job worker, re-indexing, re-ranking, expiry
and digests. Each command is one unit of work: it commits once; what follows runs on the queue.
"""

import logging
from datetime import timedelta

import click
from flask import Flask, current_app

from app.extensions import db


def _jobs():
    return current_app.extensions["essaim.jobs"]


def register(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="worker threads")
    def worker(workers: int) -> None:
        """Run the job queue's consumer (outbox events, expiry, digests) until stopped."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        jobs = _jobs()
        click.echo(f"Événements en attente remis en file : {jobs.sweep(older_than=timedelta(0))}")
        jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

    @app.cli.command("run-jobs")
    def run_jobs() -> None:
        """Run every pending outbox event now, in this process (no worker needed)."""
        click.echo(f"Événements traités : {_jobs().drain()}")

    @app.cli.command("reindex")
    def reindex() -> None:
        """Rebuild every process's index from the database and re-rank every open need."""
        from app.services.indexing import reindex_everything

        stored = reindex_everything(db.session, current_app.extensions["essaim.index"])
        db.session.commit()
        click.echo(f"Index reconstruit : {stored} profils ; les besoins ouverts sont reclassés.")

    @app.cli.command("refresh-matches")
    def refresh_matches() -> None:
        """Store every open need's suggestions now (the worker does it after each change)."""
        from app.services.matching import refresh_all_open_needs

        count = refresh_all_open_needs(db.session)
        db.session.commit()
        click.echo(f"Suggestions calculées pour {count} besoins ouverts.")

    @app.cli.command("expire-postings")
    def expire_postings() -> None:
        """Close the published postings whose deadline has passed (reason: expired)."""
        click.echo(f"Annonces closes (date limite dépassée) : {_jobs().expire_postings()}")

    @app.cli.command("send-digests")
    def send_digests() -> None:
        """Queue the weekly digest to organisations that chose a weekly frequency."""
        click.echo(f"Récapitulatifs hebdomadaires envoyés : {_jobs().send_digests()}")

