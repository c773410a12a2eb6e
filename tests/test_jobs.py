"""The job queue and its outbox: events leave only after the commit, a lost job is swept up,
and a worker killed midway re-runs to the same final state (real Huey, real worker process)."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.events import NEED_PUBLISHED, posting_saved
from models import Match, Notification, Organisation, OutboxEvent, Posting
from tests.factories import PASSWORD, build_territory, email_of, make_organisation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queued_app(database_url, tmp_path):
    """An app whose jobs go to a real SQLite Huey queue (nothing runs until a worker does)."""
    from app import create_app

    return create_app({
        "TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "JOBS_DB": str(tmp_path / "jobs.db"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "INDEX_CHECK_INTERVAL": 0,
    })


def _publish_need(session, buyer: Organisation, title: str) -> Posting:
    need = Posting(organisation=buyer, direction="need", type="purchase", title=title,
                   description=f"{title} : collecte, tri et réparation de meubles.",
                   commune_insee=buyer.commune_insee, deadline=date.today() + timedelta(days=20))
    need.publish()
    session.add(need)
    session.flush()
    posting_saved(session, need, newly_published=True)
    return need


def test_events_reach_the_queue_only_after_the_commit(queued_app, session_factory):
    jobs = queued_app.extensions["essaim.jobs"]
    with session_factory() as setup:
        buyer = make_organisation(setup, "Ville de Rezé", kind="public_buyer")
    with queued_app.app_context():
        from app.extensions import db

        _publish_need(db.session, db.session.merge(buyer), "Mobilier des écoles")
        assert jobs.huey.pending_count() == 0  # nothing leaves inside the transaction
        db.session.rollback()
        assert jobs.huey.pending_count() == 0 and db.session.scalar(
            select(func.count(OutboxEvent.id)).where(OutboxEvent.topic == NEED_PUBLISHED)) == 0
        _publish_need(db.session, db.session.merge(buyer), "Mobilier des écoles")
        db.session.commit()
        assert jobs.huey.pending_count() == 2  # the need's ranking, and the change log's event
        db.session.close()


def test_an_event_whose_job_was_lost_is_swept_up(queued_app, session_factory):
    jobs = queued_app.extensions["essaim.jobs"]
    with session_factory() as session:  # a session outside the app: nothing enqueued it
        buyer = make_organisation(session, "Ville de Rezé", kind="public_buyer")
        _publish_need(session, buyer, "Mobilier des écoles")
        session.commit()
    assert jobs.huey.pending_count() == 0
    assert jobs.sweep(older_than=timedelta(0)) == 3  # the organisation's, the need's two
    assert jobs.huey.pending_count() == 3


def _worker(queued_app, database_url) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url, ESSAIM_JOBS_DB=queued_app.config["JOBS_DB"],
               MAIL_OUTBOX_DIR=queued_app.config["MAIL_OUTBOX_DIR"], HF_HUB_OFFLINE="1",
               ESSAIM_INDEX_CHECK_INTERVAL="0", RATELIMIT_ENABLED="0", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker",
                             "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait_for_line(process: subprocess.Popen, needle: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if needle in line:
            return
        assert process.poll() is None, "the worker exited"
    raise AssertionError(f"the worker never logged {needle!r}")


def _wait_until_idle(session_factory, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_factory() as session:
            if not session.scalar(select(func.count(OutboxEvent.id)).where(
                    OutboxEvent.done_at.is_(None))):
                return
        time.sleep(0.5)
    raise AssertionError("outbox events still pending")


def _outcome(session) -> tuple:
    """What the jobs leave behind: every need's ranked suggestions, and who was alerted."""
    matches = session.execute(select(Match.need_id, Match.organisation_id, Match.offer_id)
                              .order_by(Match.need_id, Match.score.desc(), Match.id)).all()
    alerts = session.execute(select(Notification.organisation_id, Notification.url)
                             .where(Notification.kind == "opportunity")
                             .order_by(Notification.organisation_id, Notification.url)).all()
    return [tuple(row) for row in matches], [tuple(row) for row in alerts]


def test_a_worker_killed_midway_reruns_to_the_same_final_state(
        queued_app, database_url, session_factory):
    """Regression: killed during a burst of publications, the in-process thread lost the
    alerts of committed needs and a supplier's re-ranking; nothing resumed them."""
    ids = build_territory(session_factory)
    with session_factory() as session:
        buyer = session.get(Organisation, ids["buyer"])
        for number in range(12):
            _publish_need(session, buyer, f"Besoin {number} de mobilier")
        session.commit()

    worker = _worker(queued_app, database_url)
    try:
        _wait_for_line(worker, "started")
        time.sleep(0.3)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    with session_factory() as session:
        assert session.scalar(select(func.count(OutboxEvent.id)).where(
            OutboxEvent.done_at.is_(None))) > 0  # the killed job's event is still pending

    worker = _worker(queued_app, database_url)  # restarted: it sweeps pending events first
    try:
        _wait_until_idle(session_factory)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(30)
    with session_factory() as session:
        after_crash = _outcome(session)
        needs = session.scalars(select(Posting).where(Posting.direction == "need")).all()
        for need in needs:  # a clean, uninterrupted run of the same jobs
            posting_saved(session, need, newly_published=True)
        session.execute(Match.__table__.delete())
        session.execute(Notification.__table__.delete())
        session.commit()
    queued_app.extensions["essaim.jobs"].drain()
    with session_factory() as session:
        assert _outcome(session) == after_crash
    matches, alerts = after_crash
    assert len({need for need, *_ in matches}) == 12  # every committed need got suggestions
    assert alerts and len(alerts) == len(set(alerts))  # alerts went out, none twice
    assert email_of("buyer") and PASSWORD  # the territory's logins are unchanged


def test_redis_carries_the_queue_when_configured(queued_app, session_factory):
    """With REDIS_URL the same jobs go through Redis (several nodes share one queue)."""
    import redis
    from huey import RedisHuey

    from app.infra.jobs import Jobs, make_huey

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    huey = make_huey({"REDIS_URL": url})
    assert isinstance(huey, RedisHuey)
    huey.flush()
    jobs = Jobs(queued_app, huey, session_factory, queued_app.extensions["essaim.jobs"].context)
    with session_factory() as session:
        make_organisation(session, "Recyclerie")  # its change log event, left pending
    assert jobs.sweep(older_than=timedelta(0)) == 1 and huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)  # what a worker on any node does
    with session_factory() as session:
        assert session.scalar(select(func.count(OutboxEvent.id)).where(
            OutboxEvent.done_at.is_(None))) == 0
    huey.flush()
