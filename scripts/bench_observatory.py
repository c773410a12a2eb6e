"""Time every observatory query on a scratch database of 100k postings (bulk-inserted).

Usage: .venv/bin/python scripts/bench_observatory.py [--url sqlite:////tmp/essaim_obs.db]
       [--postings 100000] [--organisations 5000] [--runs 5] [--keep]
The scratch database is emptied and migrated first (SQLite file or PostgreSQL database: never
point it at real data). Prints a markdown table: median and worst time of each figure's queries,
uncached (docs/benchmarks.md, section "Observatory queries").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

import models as m  # noqa: E402
from app.services import observatory  # noqa: E402
from models.organisation import organisation_filieres  # noqa: E402
from models.posting import posting_filieres  # noqa: E402
from models.session import make_engine, make_session_factory  # noqa: E402
from seed.database import initialise_database  # noqa: E402

DEFAULT_URL = "sqlite:////tmp/essaim_bench_observatory.db"
START = datetime(2023, 1, 1, tzinfo=UTC)
MONTHS = 36
CHUNK = 10_000


def reset(url: str):
    """An empty, migrated scratch database with the reference data."""
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with make_session_factory(engine)() as session:
        initialise_database(engine, session)
    return engine


def _when(rng: random.Random) -> datetime:
    return START + timedelta(days=rng.randrange(MONTHS * 30), seconds=rng.randrange(86400))


def _bulk(connection, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start:start + CHUNK])


def _references(connection):
    filieres = list(connection.scalars(select(m.Filiere.id)))
    communes = list(connection.scalars(select(m.Commune.insee).where(m.Commune.in_metropole)))
    forms = list(connection.scalars(select(m.LegalForm.code)))
    return filieres, communes, forms


def fill(engine, organisations: int, postings: int, seed: int = 7) -> dict[str, int]:
    """Organisations, postings, their filières, matches, groupements and awards (Core inserts:
    the ORM's validators are for users' input, not for a benchmark's bulk rows)."""
    rng = random.Random(seed)
    with engine.begin() as connection:
        filieres, communes, forms = _references(connection)
        kinds = ["ess"] * 14 + ["public_buyer"] * 2 + ["company"] * 3 + ["network"]
        _bulk(connection, m.Organisation.__table__, [
            dict(id=i, kind=rng.choice(kinds), name=f"Organisation {i}", siret=f"{i:014d}",
                 legal_form_code=rng.choice(forms + [None]), commune_insee=rng.choice(communes),
                 sdg=[], alert_filieres=[], created_at=_when(rng), updated_at=_when(rng))
            for i in range(1, organisations + 1)])
        _bulk(connection, organisation_filieres, [
            dict(organisation_id=i, filiere_id=f) for i in range(1, organisations + 1)
            for f in rng.sample(filieres, rng.choice((1, 1, 2)))])
        posting_rows = [_posting(rng, i, organisations, communes) for i in range(1, postings + 1)]
        _bulk(connection, m.Posting.__table__, posting_rows)
        _bulk(connection, posting_filieres, [
            dict(posting_id=i, filiere_id=f) for i in range(1, postings + 1)
            for f in rng.sample(filieres, rng.choice((1, 1, 2)))])
        needs = [row["id"] for row in posting_rows if row["direction"] == "need"]
        tenders = [row for row in posting_rows if row["type"] == "tender"
                   and row["status"] == "closed"]
        counts = _follow_ups(connection, rng, needs, tenders, organisations)
    return {"organisations": organisations, "postings": postings, **counts}


def _posting(rng: random.Random, i: int, organisations: int, communes: list[str]) -> dict:
    need = rng.random() < 0.7
    tender = need and rng.random() < 0.3
    status = rng.choices(("draft", "published", "closed"), (1, 5, 4))[0]
    published = None if status == "draft" else _when(rng)
    return dict(
        id=i, organisation_id=rng.randrange(1, organisations + 1),
        direction="need" if need else "offer", type="tender" if tender else "purchase",
        title=f"Annonce {i}", description="", commune_insee=rng.choice(communes), status=status,
        close_reason="awarded" if status == "closed" else None, published_at=published,
        closed_at=published + timedelta(days=30) if status == "closed" else None,
        reserved=rng.choice(("none",) * 9 + ("siae",)) if tender else "none",
        insertion_hours=rng.choice((None, 0, 150, 400, 1200)) if tender else None,
        source="bench", created_at=published or _when(rng), updated_at=_when(rng))


def _follow_ups(connection, rng, needs, tenders, organisations) -> dict[str, int]:
    statuses = ("proposed", "proposed", "seen", "shortlisted", "interested", "declined",
                "contacted")
    matches = [dict(need_id=need, organisation_id=org, score=rng.random(),
                    status=rng.choice(statuses), components={}, explanation="",
                    created_at=_when(rng), updated_at=_when(rng))
               for need in needs for org in rng.sample(range(1, organisations + 1), 3)]
    _bulk(connection, m.Match.__table__, matches)
    picked = rng.sample(tenders, min(len(tenders), 5000))
    _bulk(connection, m.Consortium.__table__, [
        dict(id=n, name=f"Groupement {n}", posting_id=row["id"], created_by_id=row[
            "organisation_id"], status=rng.choice(("forming", "complete", "submitted")),
             explanation="", created_at=_when(rng), updated_at=_when(rng))
        for n, row in enumerate(picked, start=1)])
    _bulk(connection, m.ConsortiumMember.__table__, [
        dict(consortium_id=n, organisation_id=org, role="co_contractor", lot_numbers=[],
             invitation_status=rng.choice(("invited", "accepted", "accepted")),
             created_at=_when(rng), updated_at=_when(rng))
        for n in range(1, len(picked) + 1)
        for org in rng.sample(range(1, organisations + 1), 3)])
    awards = [dict(posting_id=row["id"], organisation_id=rng.randrange(1, organisations + 1),
                   winner_name="Titulaire", amount=rng.randrange(10_000, 900_000),
                   notified_on=date(2023, 1, 1) + timedelta(days=rng.randrange(MONTHS * 30)),
                   source="bench", created_at=_when(rng), updated_at=_when(rng))
              for row in tenders]
    _bulk(connection, m.Award.__table__, awards)
    return {"matches": len(matches), "consortia": len(picked), "awards": len(awards)}


QUERIES = {**observatory.FIGURES, "chiffres-cles": observatory.headline}


def cpu_clock(session):
    """A CPU clock (ms) of whoever runs the queries: this process for SQLite (in-process), the
    session's PostgreSQL backend otherwise (read from /proc: the server must be local). CPU time
    is the queries' cost whatever the load of the shared machine; wall time is not."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 1000 * time.process_time()
    stat = Path(f"/proc/{session.execute(text('SELECT pg_backend_pid()')).scalar()}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def backend() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return 1000 * (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return backend


def measure(engine, runs: int) -> list[tuple[str, float, float, float]]:
    """Median and worst wall milliseconds of each figure, and its median CPU milliseconds;
    one warm-up run first, no cache."""
    factory = make_session_factory(engine)
    results = []
    for key, compute in QUERIES.items():
        walls, cpus = [], []
        for attempt in range(runs + 1):
            with factory() as session:
                clock = cpu_clock(session)
                wall, cpu = time.perf_counter(), clock()
                compute(session)
                if attempt:
                    walls.append(1000 * (time.perf_counter() - wall))
                    cpus.append(clock() - cpu)
        results.append((key, statistics.median(walls), max(walls), statistics.median(cpus)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.keep:
        engine, sizes = make_engine(args.url), {}
    else:
        engine = reset(args.url)
        sizes = fill(engine, args.organisations, args.postings)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # PostgreSQL's index-only scans need the visibility map (autovacuum keeps it in use).
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                else "ANALYZE"))
    print(f"{engine.dialect.name}: {sizes} filled in {time.perf_counter() - started:.0f} s\n")
    results = measure(engine, args.runs)
    print(f"load average before: {os.getloadavg()[0]:.1f}\n")
    print("| query | median ms | worst ms | median CPU ms |\n|---|---:|---:|---:|")
    for key, median, worst, cpu in results:
        print(f"| {key} | {median:.1f} | {worst:.1f} | {cpu:.1f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    slowest = max(worst for _key, _median, worst, _cpu in results)
    print(f"\nslowest: {slowest:.1f} ms ({'under' if slowest < 200 else 'OVER'} 200 ms)")


if __name__ == "__main__":
    main()
