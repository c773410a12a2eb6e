"""Error pages in French; JSON errors for API and htmx callers."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models import ValidationError

MESSAGES = {
    400: "Requête invalide.",
    403: "Vous n'avez pas accès à cette page.",
    404: "Cette page n'existe pas (ou plus).",
    405: "Méthode non autorisée.",
    429: "Trop de tentatives : réessayez dans quelques minutes.",
    500: "Une erreur inattendue est survenue. L'équipe a été prévenue.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, "Erreur.")
    if _wants_json():
        return jsonify(error=message, status=status), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _render(400, "Le formulaire a expiré : rechargez la page et recommencez.")

    @app.errorhandler(ValidationError)
    def validation_error(error: ValidationError):
        return _render(400, error.message)
