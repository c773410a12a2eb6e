"""Security headers on every response, and one JSON log line per request with a request id."""

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a caller's id is echoed only if harmless
log = logging.getLogger("essaim.request")


def request_id() -> str:
    """The caller's X-Request-ID when it is a plain token, else a fresh one."""
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def start_request() -> None:
    g.request_id = request_id()
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    """Add the security headers and the request id, then log the request as one JSON line."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    rid = g.get("request_id") or request_id()
    response.headers["X-Request-ID"] = rid
    started = g.get("request_started", time.perf_counter())
    log.info(json.dumps({
        "request_id": rid, "method": request.method, "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }))
    return response


def register_security(app: Flask) -> None:
    """Headers and request logs for every response: pages, JSON, CSV, static files, errors."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    app.before_request(start_request)
    app.after_request(finish_request)
