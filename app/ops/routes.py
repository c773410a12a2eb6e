"""`/healthz`: is the database reachable, is the matching index ready (JSON, 200 or 503)."""

from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.ops import bp

INDEX_KEY = "essaim.index"  # the index holder, when the app wires one in app.extensions


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "error"
    return "ok"


def index_status():
    """The holder's own `status()` when it has one; "unknown" when none is wired."""
    holder = current_app.extensions.get(INDEX_KEY)
    if holder is None:
        return "unknown"
    status = getattr(holder, "status", None)
    return status() if callable(status) else "present"


@bp.get("/healthz")
def healthz():
    database = database_status()
    body = {"status": "ok" if database == "ok" else "error",
            "database": database, "index": index_status()}
    response = jsonify(body)
    response.status_code = 200 if database == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
