"""Security headers on every response, and one JSON log line per request with a request id."""

import json
import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join(CSP_DIRECTIVES)
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
    for name, value in current_app.extensions.get("essaim.headers", HEADERS).items():
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


def tile_origin(template: str) -> str:
    """The origin a tile URL template loads images from (`{s}` subdomains as a wildcard)."""
    url = urlsplit(template)
    return f"{url.scheme}://{url.netloc.replace('{s}', '*')}" if url.scheme and url.netloc else ""


def headers_for(app: Flask) -> dict[str, str]:
    """The headers, with the map's tile server (ESSAIM_MAP_TILES) allowed as an image source."""
    origin = tile_origin(app.config.get("MAP_TILES", ""))
    if not origin:
        return HEADERS
    directives = [f"{d} {origin}" if d.startswith("img-src") else d for d in CSP_DIRECTIVES]
    return {**HEADERS, "Content-Security-Policy": "; ".join(directives)}


def register_security(app: Flask) -> None:
    """Headers and request logs for every response: pages, JSON, CSV, static files, errors."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    app.extensions["essaim.headers"] = headers_for(app)
    app.before_request(start_request)
    app.after_request(finish_request)
