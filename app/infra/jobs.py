"""The job queue: Huey, on a SQLite file under instance/ (no server) or on Redis (`REDIS_URL`).

Work reaches the queue through the transactional outbox: a service stores an `OutboxEvent` with
its change; once the transaction commits, its events are enqueued (`after_commit`); a periodic
sweep enqueues any event whose job was lost (a crash between commit and enqueue, a killed
worker). A job runs one event in one transaction: the reaction's writes and the event's
`done_at` commit together, so a job killed midway leaves the event pending and its re-run
reaches the same final state. `flask worker` runs the consumer with the periodic tasks
(sweep, expiry of postings, weekly digests, daily follow-up reminders).
"""

import logging
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.services.reactions import REACTIONS, JobContext
from models import OutboxEvent
from models.change_log import committed_events

log = logging.getLogger(__name__)
RETRIES, RETRY_DELAY_S, RETRY_BACKOFF = 5, 2, 2  # 2, 4, 8, 16, 32 s
STALE_AFTER = timedelta(seconds=30)  # an event still pending then lost its job: enqueue again
MAX_SWEEPS = 20  # an event that failed this often is left for a person to look at (logged)


def make_huey(config) -> SqliteHuey | RedisHuey:
    if config.get("REDIS_URL"):
        return RedisHuey("essaim", url=config["REDIS_URL"])
    return SqliteHuey("essaim", filename=config["JOBS_DB"])


class Jobs:
    """The app's queue and its tasks (`app.extensions["essaim.jobs"]`)."""

    def __init__(self, app: Flask, huey, sessions, context: JobContext,
                 eager: bool = False) -> None:
        self.app, self.huey, self.sessions, self.context = app, huey, sessions, context
        # Eager (tests, `JOBS_EAGER`): a request's events run in its own thread once its app
        # context ends, instead of going to the queue (never inside the commit itself).
        self.eager, self._local = eager, threading.local()
        self.run_event = huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_S,
                                   retry_backoff=RETRY_BACKOFF, name="essaim.run_event")(
            self._in_app(self.execute))
        huey.periodic_task(crontab(minute="*"), name="essaim.sweep")(self._in_app(self.sweep))
        huey.periodic_task(crontab(minute="7"), name="essaim.expire")(
            self._in_app(self.expire_postings))
        huey.periodic_task(crontab(day_of_week="1", hour="7", minute="0"),
                           name="essaim.digests")(self._in_app(self.send_digests))
        huey.periodic_task(crontab(hour="8", minute="15"), name="essaim.reminders")(
            self._in_app(self.send_reminders))

    def _in_app(self, function):
        def wrapped(*args):
            if has_app_context():
                return function(*args)
            with self.app.app_context():
                return function(*args)
        wrapped.__name__ = function.__name__
        return wrapped

    def enqueue(self, event_ids: list[int]) -> None:
        """After a commit: one job per event; a failure here is repaired by the sweep."""
        if self.eager:
            self._local.ids = [*getattr(self._local, "ids", []), *event_ids]
            return
        for event_id in event_ids:
            try:
                self.run_event(event_id)
            except Exception:  # the event stays in the outbox: the sweep enqueues it again
                log.exception("could not enqueue outbox event %s", event_id)

    def execute(self, event_id: int) -> None:
        """Run one outbox event and mark it done, in one transaction."""
        with self.sessions() as session:
            outbox_event = session.get(OutboxEvent, event_id)
            if outbox_event is None or outbox_event.done_at is not None:
                return
            log.info("outbox event %s (%s) started", event_id, outbox_event.topic)
            reaction = REACTIONS[outbox_event.topic]
            reaction(session, self.context, outbox_event, **outbox_event.payload)
            outbox_event.done_at = datetime.now(UTC)
            outbox_event.attempts += 1
            session.commit()
            log.info("outbox event %s done", event_id)

    def run_eager(self) -> None:
        """Eager mode: run this thread's enqueued events (and those they lead to)."""
        if not self.eager or getattr(self._local, "running", False):
            return
        self._local.running = True
        try:
            while ids := getattr(self._local, "ids", []):
                self._local.ids = []
                for event_id in ids:
                    self.execute(event_id)
        finally:
            self._local.running = False

    def pending(self, session: Session, older_than: timedelta = STALE_AFTER) -> list[int]:
        limit = datetime.now(UTC) - older_than
        return list(session.scalars(select(OutboxEvent.id).where(
            OutboxEvent.done_at.is_(None), OutboxEvent.created_at <= limit)
            .order_by(OutboxEvent.id)))

    def sweep(self, older_than: timedelta = STALE_AFTER) -> int:
        """Enqueue the events left pending (their job was lost); returns how many."""
        with self.sessions() as session:
            ids = self.pending(session, older_than)
            given_up = set(session.scalars(select(OutboxEvent.id).where(
                OutboxEvent.id.in_(ids), OutboxEvent.attempts >= MAX_SWEEPS)))
            for event_id in given_up:
                log.error("outbox event %s keeps failing: left pending", event_id)
            ids = [event_id for event_id in ids if event_id not in given_up]
            session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids))
                            .values(attempts=OutboxEvent.attempts + 1))
            session.commit()
        self.enqueue(ids)
        return len(ids)

    def drain(self) -> int:
        """Run every pending event here and now, in order (CLI commands and tests)."""
        done = 0
        while ids := self._all_pending():
            for event_id in ids:
                self._in_app(self.execute)(event_id)
                done += 1
        return done

    def _all_pending(self) -> list[int]:
        with self.sessions() as session:
            return self.pending(session, timedelta(0))

    def expire_postings(self) -> int:
        from app.services.expiry import expire_past_deadlines

        with self.sessions() as session:
            closed = expire_past_deadlines(session)
            session.commit()
        return closed

    def send_digests(self) -> int:
        from app.services.notify import send_weekly_digests

        with self.sessions() as session:
            queued = send_weekly_digests(session)
            session.commit()
        return queued

    def send_reminders(self) -> int:
        from app.services.reminders import send_reminders

        with self.sessions() as session:
            sent = send_reminders(session)
            session.commit()
        return sent


def enqueue_after_commit(app: Flask, session_factory, jobs: Jobs) -> None:
    """Every session of the app hands its committed outbox events to the queue."""
    app.teardown_appcontext(lambda _exc: jobs.run_eager())

    @event.listens_for(session_factory, "after_commit")
    def _enqueue(session: Session) -> None:
        ids = committed_events(session)
        if ids:
            jobs.enqueue(ids)
