"""Error pages in French; JSON errors for API and htmx callers. Domain errors map here to
400/403, database errors left after the replays to 409/503 — never a 500 for a race."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from models import NotAllowed, ValidationError

MESSAGES = {
    400: "Requête invalide.",
    403: "Vous n'avez pas accès à cette page.",
    404: "Cette page n'existe pas (ou plus).",
    405: "Méthode non autorisée.",
    409: "Une autre modification est arrivée au même moment : rechargez la page et vérifiez.",
    429: "Trop de tentatives : réessayez dans quelques minutes.",
    500: "Une erreur inattendue est survenue. L'équipe a été prévenue.",
    503: "Le service est très sollicité : réessayez dans un instant.",
}


# Machine-readable codes of the JSON errors (the API documents them: docs/api.md).
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "validation_error",
         429: "rate_limited", 500: "server_error", 503: "unavailable"}


def json_error(status: int, message: str | None = None, code: str | None = None,
               errors: dict | None = None):
    """The one JSON error shape: a `code`, a French `message`, the status, field errors."""
    body = {"code": code or CODES.get(status, "error"),
            "message": message or MESSAGES.get(status, "Erreur."), "status": status}
    if errors:
        body["errors"] = errors
    body["error"] = body["message"]  # the field older JSON callers (htmx, /donnees/) read
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str | None = None):
    """Roll back first: the page reads the session (current user), which a failed flush
    would otherwise leave unusable (PendingRollbackError)."""
    db.session.rollback()
    message = message or MESSAGES.get(status, "Erreur.")
    if _wants_json():
        return json_error(status, message)
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    from app import transaction

    transaction.register(app)  # here because this runs once the blueprints are registered

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _render(400, "Le formulaire a expiré : rechargez la page et recommencez.")

    @app.errorhandler(ValidationError)
    def validation_error(error: ValidationError):
        return _render(400, error.message)

    @app.errorhandler(NotAllowed)
    def not_allowed(_error: NotAllowed):
        return _render(403)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        """Left after every replay: a conflict (409), a database still busy (503), else a bug."""
        if isinstance(error, IntegrityError):
            return _render(409)
        app.logger.error("database error on %s", request.path, exc_info=error)
        return _render(503 if transaction.is_transient(error) else 500)
