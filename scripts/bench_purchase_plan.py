"""Time the purchase-plan analysis of a 200-line plan against the current database.

The plan is made of the first 200 distinct subjects of the Pays de la Loire DECP extract (no
CPV given: every line is suggested). Run on the demo (`make demo` first):
    python scripts/bench_purchase_plan.py [--lines 200]
"""

import argparse
import csv
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
DECP = ROOT / "data" / "decp" / "decp_2018_2019_pays_de_la_loire.csv"


def plan_lines(count: int):
    from app.services.plan_reader import PlanLine

    seen, lines = set(), []
    with open(DECP, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            subject = " ".join(row["objet"].split())
            if subject.lower() in seen or row["looks_like_test"] == "1":
                continue
            seen.add(subject.lower())
            lines.append(PlanLine(len(lines) + 2, subject[:500], float(row["montant"] or 1),
                                  "2027-01-01"))
            if len(lines) == count:
                break
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    from app import create_app
    from app.extensions import db
    from app.infra.index_holder import current_index
    from app.services.cpv_suggestions import get_suggester
    from app.services.purchase_plan import analyse_lines
    from models import Organisation

    app = create_app()
    with app.app_context():
        session = db.session
        buyer = session.scalar(select(Organisation).where(
            Organisation.kind == "public_buyer").order_by(Organisation.id))
        lines = plan_lines(args.lines)
        started = time.perf_counter()
        get_suggester(app.config["INSTANCE_DIR"])
        with current_index().suppliers.using(session) as matcher:
            matcher.encoder.encode_queries(["échauffement"])
        warm = time.perf_counter() - started
        started = time.perf_counter()
        result = analyse_lines(session, buyer, lines, app.config["INSTANCE_DIR"])
        elapsed = time.perf_counter() - started
        groups = sum(bool(line["groupement"]) for line in result["lines"])
        print(f"{len(lines)} lignes ({groups} multi-métiers) analysées en {elapsed:.1f} s "
              f"({1000 * elapsed / len(lines):.0f} ms/ligne) ; chargement du modèle CPV, de "
              f"l'index et de l'encodeur : {warm:.1f} s")
        session.rollback()


if __name__ == "__main__":
    main()
