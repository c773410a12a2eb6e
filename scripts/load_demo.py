"""Load Essaim's demo territory into the database of DATABASE_URL (or the embedded SQLite file).

Usage: .venv/bin/python scripts/load_demo.py [--seed 2026]
The schema must exist (alembic upgrade head); reference data is loaded if missing.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.reference_data import load_reference_data  # noqa: E402
from models.session import make_engine, make_session_factory  # noqa: E402
from seed.demo import DemoSummary, load_demo  # noqa: E402


def report(summary: DemoSummary, seconds: float) -> None:
    print(summary.describe())
    print(f"Chargé en {seconds:.1f} s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    engine = make_engine()
    with make_session_factory(engine)() as session:
        load_reference_data(session)
        started = time.perf_counter()
        summary = load_demo(session, seed=args.seed)
    report(summary, time.perf_counter() - started)
    engine.dispose()


if __name__ == "__main__":
    main()
