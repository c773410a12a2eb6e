"""Server-side latency of the JSON API on the demo territory (Flask test client, no network).

Usage: DATABASE_URL=… .venv/bin/python scripts/bench_api.py [--repeat 30]
Needs the demo loaded in DATABASE_URL (make demo). Issues a read-and-write token for the demo
buyer (Ville de Rezé), then prints p50/p95 per call in ms; the postings it creates are drafts.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench_web import report  # noqa: E402

TEXT = "Entretien des espaces verts et tonte des pelouses"
BODY = {"direction": "need", "type": "purchase", "title": "Traiteur solidaire",
        "commune_insee": "44143", "filiere_ids": ["alimentation"]}


def timed(call, repeat: int, expected: int = 200) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expected, (response.status_code, response.json)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.services.api_tokens import create_token
    from models import Organisation, Posting

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        buyer = db.session.scalar(select(Organisation).where(Organisation.name == "Ville de Rezé"))
        need = db.session.scalar(select(Posting.id).where(
            Posting.organisation_id == buyer.id, Posting.status == "published",
            Posting.direction == "need"))
        secret = create_token(db.session, buyer, "bench", ["read", "write"], None).secret
        db.session.commit()
    client = app.test_client()
    token = {"Authorization": f"Bearer {secret}"}
    client.get(f"/api/v1/cpv?text={TEXT}")  # loads (or trains) the CPV model
    client.get("/api/v1/search?q=collecte")  # loads the index
    for name, call in (
        ("GET organisations (page of 20)", lambda: client.get("/api/v1/organisations/")),
        ("GET organisations?q=reemploi", lambda: client.get("/api/v1/organisations/?q=reemploi")),
        ("GET postings (needs, page of 20)", lambda: client.get("/api/v1/postings/")),
        ("GET postings/{id}", lambda: client.get(f"/api/v1/postings/{need}")),
        ("GET me (token lookup)", lambda: client.get("/api/v1/me", headers=token)),
        ("GET matches (token)", lambda: client.get("/api/v1/matches/", headers=token)),
        ("GET postings/{id}/suggestions (token)",
         lambda: client.get(f"/api/v1/postings/{need}/suggestions", headers=token)),
        ("GET search (organisations)",
         lambda: client.get("/api/v1/search?q=collecte de meubles usagés")),
        ("GET cpv", lambda: client.get(f"/api/v1/cpv?text={TEXT}")),
    ):
        report(name, timed(call, repeat))
    report("POST postings (draft)", timed(
        lambda: client.post("/api/v1/postings/", json=BODY, headers=token), repeat, 201))


if __name__ == "__main__":
    main()
