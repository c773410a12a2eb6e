"""Benchmark the follow-up reads and the reminder job on the demo territory with a synthetic
history (no engine: Match rows are drawn at random).

Usage: .venv/bin/python scripts/bench_follow_up.py [--events-per-need 40] [--seed 1]
Prints a markdown table (docs/benchmarks.md, section « Follow-up »).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from app.services.dashboard import needs_summary  # noqa: E402
from app.services.follow_up import counts_by_need, timeline  # noqa: E402
from app.services.reminders import send_reminders  # noqa: E402
from models import FollowUpEvent, Match, Organisation, Posting  # noqa: E402
from models.follow_up import EVENT_KINDS  # noqa: E402
from models.reference_data import load_reference_data  # noqa: E402
from models.session import make_engine, make_session_factory  # noqa: E402
from seed.demo import load_demo  # noqa: E402
from tests.conftest import migrate  # noqa: E402


def timed(function, repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def synthesise(session, rng: Random, per_need: int) -> tuple[int, int]:
    suppliers = list(session.scalars(select(Organisation.id).where(
        Organisation.kind != "public_buyer")))
    needs = list(session.scalars(select(Posting).where(
        Posting.direction == "need", Posting.status == "published")))
    kinds = [k for k in EVENT_KINDS if k not in ("applied", "retained", "not_retained")]
    for need in needs:
        chosen = rng.sample(suppliers, 20)
        session.add_all(Match(need_id=need.id, organisation_id=o, score=rng.random())
                        for o in chosen)
        session.add_all(FollowUpEvent(need_id=need.id, organisation_id=rng.choice(chosen),
                                      kind=rng.choice(kinds)) for _ in range(per_need))
    session.commit()
    return len(needs), session.scalar(select(func.count(FollowUpEvent.id)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events-per-need", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        with make_session_factory(engine)() as session:
            load_reference_data(session)
            load_demo(session)
            needs, events = synthesise(session, Random(args.seed), args.events_per_need)
            buyer = session.scalar(select(Organisation).join(Posting).where(
                Posting.direction == "need").group_by(Organisation.id)
                .order_by(func.count(Posting.id).desc()).limit(1))
            own = [p.id for p in session.scalars(select(Posting).where(
                Posting.organisation_id == buyer.id, Posting.direction == "need"))]
            one = session.get(Posting, own[0])
            rows = [
                ("dashboard counts, busiest buyer", len(own),
                 timed(lambda: counts_by_need(session, own))[0]),
                ("dashboard needs summary, busiest buyer", len(own),
                 timed(lambda: needs_summary(session, buyer))[0]),
                ("timeline of one need", 1, timed(lambda: timeline(session, one))[0]),
            ]
            later = date.today() + timedelta(days=21)
            first_ms, sent = timed(lambda: send_reminders(session, later), repeat=1)
            again_ms, again = timed(lambda: send_reminders(session, later), repeat=1)
            session.rollback()
    print(f"{needs} published needs, {events} events ({args.events_per_need} per need)\n")
    print("| read | needs | best of 5 (ms) |\n|---|---:|---:|")
    for name, count, ms in rows:
        print(f"| {name} | {count} | {ms:.1f} |")
    print(f"\nsend_reminders (all needs, day +21): first run {first_ms:.0f} ms, {sent} sent; "
          f"re-run {again_ms:.0f} ms, {again} sent")


if __name__ == "__main__":
    main()
