"""Server-side latency of the main pages on the demo territory (Flask test client, no network).

Usage: .venv/bin/python scripts/bench_web.py [--repeat 30]
Needs the demo loaded in DATABASE_URL (make run does it). Prints p50/p95 per page in ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEMO_BUYER = ("acheteur@demo.essaim.fr", "essaim-demo")
DEMO_SUPPLIER = ("acteur@demo.essaim.fr", "essaim-demo")


def timed(client, url: str, repeat: int, headers=None) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(f"{name:<45} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms")


def login(client, email: str, password: str) -> None:
    client.post("/compte/connexion", data={"email": email, "password": password})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from models import Organisation, Posting

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        buyer = db.session.scalar(select(Organisation).where(Organisation.name == "Ville de Rezé"))
        needs = [p.id for p in db.session.scalars(select(Posting).where(
            Posting.organisation_id == buyer.id, Posting.status == "published",
            Posting.direction == "need"))]
    client = app.test_client()
    login(client, *DEMO_BUYER)
    hx = {"HX-Request": "true"}
    for url in ("/", "/annuaire/?filiere=reemploi", "/annonces/"):
        report(url, timed(client, url, args.repeat))
    started = time.perf_counter()
    client.get(f"/suggestions/besoin/{needs[0]}", headers=hx)
    elapsed = 1000 * (time.perf_counter() - started)
    print(f"{'first suggestions after start (index load)':<45} {elapsed:7.1f} ms")
    per_need = max(1, args.repeat // 3)
    suggestion_times = [t for need in needs
                        for t in timed(client, f"/suggestions/besoin/{need}", per_need, hx)]
    report(f"suggestions of {len(needs)} needs (htmx)", suggestion_times)
    search = "/recherche/?q=collecte+de+meubles+usag%C3%A9s"
    report("search (htmx)", timed(client, search, args.repeat, hx))
    supplier = app.test_client()
    login(supplier, *DEMO_SUPPLIER)
    report("supplier dashboard", timed(supplier, "/tableau-de-bord/", args.repeat))


if __name__ == "__main__":
    main()
