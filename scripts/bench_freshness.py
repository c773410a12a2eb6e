"""How fast a committed change reaches every process's index (issue #9's freshness target).

A writer process edits organisations' descriptions at a fixed rate (each edit carries a unique
token and is committed like a request would); several reader processes, each with the real app
and its `IndexHolder` (change log read at most once per `ESSAIM_INDEX_CHECK_INTERVAL`), keep
asking for their index as a request would and note when each token appears. Prints p50/p95/max
of (seen − committed) per reader.

    .venv/bin/python scripts/bench_freshness.py --database-url sqlite:///instance/essaim.db \\
        --readers 2 --rate 20 --seconds 20
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def reader(url: str, stop, found: mp.Queue, ready) -> None:
    os.environ.update(DATABASE_URL=url, HF_HUB_OFFLINE="1", RATELIMIT_ENABLED="0")
    from app import create_app
    from app.extensions import db

    app = create_app()
    holder = app.extensions["essaim.index"].suppliers
    seen: dict[str, float] = {}
    with app.app_context():
        holder.sync(db.session)
        ready.set()
        while not stop.is_set():
            with holder.using(db.session) as matcher:
                for profile in matcher.profiles.values():
                    if "jeton-" in profile.text:
                        for token in profile.text.split():
                            if token.startswith("jeton-") and token not in seen:
                                seen[token] = time.time()
            db.session.rollback()  # each loop is a fresh read, like a new request
            time.sleep(0.02)
    found.put(seen)


def writer(url: str, rate: float, seconds: float, committed: mp.Queue) -> None:
    from sqlalchemy import select

    from models import Organisation
    from models.session import make_engine, make_session_factory

    sessions = make_session_factory(make_engine(url))
    with sessions() as session:
        ids = list(session.scalars(select(Organisation.id).order_by(Organisation.id).limit(400)))
    stamps: dict[str, float] = {}
    started = time.time()
    for number in range(int(rate * seconds)):
        time.sleep(max(0.0, started + number / rate - time.time()))
        token = f"jeton-{number}"
        with sessions() as session:
            organisation = session.get(Organisation, ids[number % len(ids)])
            organisation.description = f"{organisation.description.split(' jeton-')[0]} {token}"
            session.commit()
        stamps[token] = (time.time(), organisation.id)
    committed.put(stamps)


def _delays(stamps: dict, seen: dict) -> tuple[list[float], int]:
    """A write is visible once the reader sees it or a later write to the same organisation
    (which replaced it); returns the sorted delays and how many writes were never visible."""
    order = {token: int(token.split("-")[1]) for token in stamps}
    delays, missed = [], 0
    for token, (committed, organisation) in stamps.items():
        later = [seen[t] for t, (_, o) in stamps.items()
                 if o == organisation and order[t] >= order[token] and t in seen]
        if later:
            delays.append(min(later) - committed)
        else:
            missed += 1
    return sorted(delays), missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{REPO / 'instance' / 'essaim.db'}")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=20.0, help="writes per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    context = mp.get_context("spawn")
    found, committed, stop = context.Queue(), context.Queue(), context.Event()
    events = [context.Event() for _ in range(args.readers)]
    readers = [context.Process(target=reader, args=(args.database_url, stop, found, event))
               for event in events]
    for process in readers:
        process.start()
    for event in events:  # every reader has built its index
        event.wait(600)
    write = context.Process(target=writer, args=(args.database_url, args.rate, args.seconds,
                                                 committed))
    write.start()
    stamps = committed.get()
    time.sleep(5)
    stop.set()
    results = [found.get() for _ in readers]
    print(f"{len(stamps)} commits at {args.rate:g}/s over {args.seconds:g} s, "
          f"{args.readers} reader processes")
    for number, seen in enumerate(results, start=1):
        delays, missed = _delays(stamps, seen)
        p95 = delays[int(0.95 * (len(delays) - 1))] if delays else float("nan")
        print(f"reader {number}: seen {len(delays)}, missed {missed}, "
              f"p50 {statistics.median(delays):.2f} s, p95 {p95:.2f} s, max {delays[-1]:.2f} s")


if __name__ == "__main__":
    main()
