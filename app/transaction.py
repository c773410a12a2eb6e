"""One unit of work per request: the request (never a service) commits, once, at its end.

Every view runs inside `unit_of_work`: a write request (POST…) takes SQLite's write lock up
front (`BEGIN IMMEDIATE`, so a transaction that read never fails to upgrade), commits when
the view answered without error and rolls back otherwise. A transient failure — « database
is locked », a PostgreSQL serialisation failure or deadlock, or a unique constraint that a
concurrent request won — rolls back and replays the view a few times with a small backoff:
side effects run after the commit, so a replay is safe, and the replay sees the winner's row
and answers with the service's French message instead of a 500.
"""

import logging
import random
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, flash, request
from flask import session as http_session
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.access import forget_viewer
from app.extensions import db
from models import ValidationError

log = logging.getLogger(__name__)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ATTEMPTS = 5  # « database is locked », serialisation failures, deadlocks
CONFLICT_ATTEMPTS = 2  # a unique key lost to a concurrent request: one replay says why
BACKOFF_SECONDS = 0.05
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


def is_transient(error: DBAPIError) -> bool:
    """Worth a replay: the same request may succeed a moment later."""
    if isinstance(error, IntegrityError):
        return True
    if "database is locked" in str(error.orig) or "database table is locked" in str(error.orig):
        return True
    return getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def begin_write() -> None:
    """On SQLite, take the write lock now: other writers wait (busy timeout) instead of
    failing at once when this transaction, having read, tries to write."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _attempt(view, args, kwargs):
    writing = request.method in UNSAFE_METHODS
    if writing:
        begin_write()
    response = current_app.make_response(view(*args, **kwargs))
    if writing and response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def unit_of_work(view):
    """Run `view` as one transaction, replayed on transient database errors."""

    @wraps(view)
    def run(*args, **kwargs):
        flashes = list(http_session.get("_flashes", []))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return _attempt(view, args, kwargs)
            except DBAPIError as error:
                db.session.rollback()
                if not _replayable(error, attempt):
                    raise
                log.info("replaying %s after %s (attempt %d)", request.path,
                         type(error.orig).__name__, attempt)
                _reset_request(flashes)
                time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    return run


def _replayable(error: DBAPIError, attempt: int) -> bool:
    limit = CONFLICT_ATTEMPTS if isinstance(error, IntegrityError) else ATTEMPTS
    return attempt < limit and is_transient(error)


def _reset_request(flashes: list) -> None:
    """Forget what the failed attempt left on the request: its flashed messages, its viewer."""
    if flashes:
        http_session["_flashes"] = list(flashes)
    else:
        http_session.pop("_flashes", None)
    forget_viewer()


def register(app: Flask) -> None:
    """Wrap every view of the app (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = unit_of_work(view)


def try_write(write: Callable[[], object], category: str = "error", prefix: str = "") -> bool:
    """Run a write service; a rule it refuses undoes its writes and is flashed (for views
    that redirect rather than re-render a form). True when it went through."""
    try:
        write()
    except ValidationError as error:
        db.session.rollback()
        flash(prefix + error.message, category)
        return False
    return True
