"""The real app's processes for scripts/bench_scaling.py: web processes and the Huey pipeline.

`web`: one process imports and creates the app and serves a few pages (what each gunicorn
worker does without ``--preload``); `web-master`: creates the app once, then forks a child
per line read (gunicorn ``--preload``), so the children share the imported pages.
`queue-writer` commits outbox events and enqueues their job on Redis after the commit; the
Huey consumers (``huey_consumer scaling_app.huey``) store the vector and append the change-log
row, as the app's worker does; the readers of scaling_roles.py apply it.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from huey import RedisHuey
from scaling_roles import answer, engine, role, stop, store_and_log, warm_reader

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
ROUNDS = 10  # each page served this many times before the memory is read
PAGES = ["/", "/annuaire/", "/annonces/", "/recherche/?q=ressourcerie", "/healthz"]
huey = RedisHuey("essaim-bench-scaling", url=REDIS_URL)


def _create_app(db: str):
    from app import create_app

    logging.disable(logging.INFO)  # the request log would flood the bench's output
    return create_app({"DATABASE_URL": db, "RATELIMIT_ENABLED": False})


def _serve_pages(app, rounds: int = ROUNDS) -> None:
    client = app.test_client()
    for _ in range(rounds):
        for page in PAGES:
            status = client.get(page).status_code
            if status >= 500:
                raise RuntimeError(f"{page} answered {status}")


def web(args) -> None:
    """A gunicorn worker without --preload: its own imports, app and first pages."""
    engine(args.db, everything=True)
    _serve_pages(_create_app(args.db))
    print("{}", flush=True)
    sys.stdin.read()


def web_master(args) -> None:
    """A gunicorn master with --preload: the app is created and warmed up once (templates, e5),
    each worker is a fork; ``gc.freeze`` keeps the collector off the shared pages.

    With ``--mode``, each worker also maps the snapshot (and BM25) and serves retrievals."""
    engine(args.db, everything=True)
    app = _create_app(args.db)
    _serve_pages(app, rounds=1)  # warm-up: templates compiled, e5 loaded (one thread: no pool)
    app.extensions["essaim.db"].engine.dispose()
    gc.freeze()
    children = []
    print(json.dumps({"pid": os.getpid()}), flush=True)
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            _worker(app, args)
        children.append(pid)
    for pid in children:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _worker(app, args) -> None:
    """What a forked worker does: fresh connections, pages, optionally retrievals; then waits."""
    sys.stdin.close()
    app.extensions["essaim.db"].engine.dispose(close=False)  # sockets stay the master's
    _serve_pages(app)
    if args.mode:
        warm_reader(args.mode, args.work)
    print(json.dumps({"pid": os.getpid()}), flush=True)  # ready: the parent reads our memory
    signal.pause()


@huey.task(retries=3, retry_delay=1)
def index_change(db: str, event_id: int, key: str, seed: int) -> None:
    """The worker's job: store the vector, append the change-log row, mark the event done."""
    from sqlalchemy.orm import Session

    from models import OutboxEvent

    vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32).tobytes()
    with Session(engine(db)) as session:
        change = store_and_log(session, key, vector)
        outbox = session.get(OutboxEvent, event_id)
        outbox.payload, outbox.done_at = {"seq": change.seq}, change.created_at
        session.commit()


@huey.task()
def warm(db: str) -> bool:
    return engine(db) is not None


def queue_writer(args) -> None:
    """Commit an outbox event every 1/rate s, enqueue its job after the commit."""
    from sqlalchemy.orm import Session

    from models import OutboxEvent

    rng = np.random.default_rng(23)
    n = int(json.loads((args.work / "args.json").read_text())["n"])
    committed, start = {}, time.time()
    for i in range(int(args.seconds * args.rate)):
        time.sleep(max(0.0, start + i / args.rate - time.time()))
        with Session(engine(args.db)) as session:
            event = OutboxEvent(topic="bench", payload={})
            session.add(event)
            session.commit()
            event_id = event.id
        committed[event_id] = time.time()
        index_change(args.db, event_id, f"org:{rng.integers(n)}", i)
    print(json.dumps(committed), flush=True)
    sys.stdin.read()


def seq_of_events(db: str, ids: list[int]) -> dict[int, tuple[int, float]]:
    """Outbox event → (change-log sequence its job wrote, when), for done events."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models import OutboxEvent

    with Session(engine(db)) as session:
        rows = session.execute(select(OutboxEvent.id, OutboxEvent.payload, OutboxEvent.done_at)
                               .where(OutboxEvent.id.in_(ids), OutboxEvent.done_at.is_not(None)))
        return {event_id: (payload["seq"], done.timestamp()) for event_id, payload, done in rows}


def freshness(work: Path, db: str, seconds: float, rate: float, count: int) -> dict:
    """`count` writers, `rate` commits/s in all, 2 polling readers; lag = applied − committed."""
    extra = ["--db", db, "--seconds", str(seconds), "--rate", str(rate)]
    readers = [role("fresh-reader", work, *extra) for _ in range(2)]
    for reader in readers:
        answer(reader)  # ready: snapshot mapped, head read
    writers = [role("fresh-writer", work, *extra, "--writers", str(count), "--index", str(i))
               for i in range(count)]
    committed = {int(k): v for w in writers for k, v in answer(w).items()}
    applied = [answer(reader) for reader in readers]
    stop(readers + writers)
    return _lags(committed, {seq: seq for seq in committed}, applied, seconds)


def _lags(committed: dict, seqs: dict, applied: list[dict], seconds: float) -> dict:
    """Per reader, applied − committed for each commit (`seqs`: commit key → change seq)."""
    lags = [one["applied"][str(seq)] - committed[key] for key, seq in seqs.items()
            for one in applied if str(seq) in one["applied"]]
    return {"writes": len(committed), "lags": np.array(lags), "rate": len(committed) / seconds,
            "missed": 2 * len(committed) - len(lags), "late": sum(a["late"] for a in applied)}


def queue_freshness(work: Path, db: str, seconds: float, rate: float, workers: int = 2) -> dict:
    """Commit → outbox → Huey job on Redis (stores vector + change row) → readers apply."""
    huey.flush()
    extra = ["--db", db, "--seconds", str(seconds), "--rate", str(rate)]
    readers = [role("fresh-reader", work, *extra) for _ in range(2)]
    for reader in readers:
        answer(reader)
    env = {**os.environ, "PYTHONPATH": f"{Path(__file__).parent}:{Path(__file__).parents[1]}"}
    consumers = [subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "scaling_app.huey", "-w", "1", "-q"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    for result in [warm(db) for _ in range(4)]:  # consumers up, engines created
        result.get(blocking=True, timeout=60)
    writer = role("queue-writer", work, *extra)
    try:
        committed = {int(k): v for k, v in answer(writer).items()}
        applied = [answer(reader) for reader in readers]
    finally:
        stop(readers + [writer])
        for consumer in consumers:
            consumer.send_signal(signal.SIGINT)
            consumer.wait(timeout=30)
        huey.flush()  # leave Redis db as found
    done = seq_of_events(db, list(committed))
    result = _lags(committed, {event: seq for event, (seq, _) in done.items()}, applied, seconds)
    result["queued"] = np.array([at - committed[event] for event, (_, at) in done.items()])
    return result


ROLES = {"web": web, "web-master": web_master, "queue-writer": queue_writer}
