"""The API's JSON errors: a stable `code`, a French `message`, the status, and field errors
(`errors`, by location then field, as webargs reports them) — for every 4xx of the API."""

import marshmallow as ma
from flask import current_app
from werkzeug.exceptions import HTTPException

from app.errors import MESSAGES, json_error
from app.extensions import db
from models import NotAllowed, ValidationError

API_MESSAGES = {
    **MESSAGES,
    400: "Requête invalide : le corps doit être un document JSON.",
    401: "Jeton d'API manquant, invalide ou révoqué : envoyez « Authorization: Bearer <jeton> ».",
    403: "Ce jeton ne permet pas cette action.",
    404: "Ressource introuvable.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge : envoyez du JSON.",
    422: "Paramètres invalides : voir le détail par champ dans « errors ».",
    429: "Trop de requêtes : réessayez dans une minute (voir la documentation des limites).",
}
# marshmallow's built-in messages, in French (the validators of app/api/schemas.py say theirs).
FIELD_MESSAGES = {
    "Missing data for required field.": "Champ obligatoire.",
    "Unknown field.": "Champ inconnu.",
    "Field may not be null.": "Ce champ ne peut pas être nul.",
    "Not a valid integer.": "Nombre entier attendu.",
    "Not a valid number.": "Nombre attendu.",
    "Not a valid string.": "Texte attendu.",
    "Not a valid boolean.": "Booléen attendu (true ou false).",
    "Not a valid date.": "Date attendue (AAAA-MM-JJ).",
    "Not a valid datetime.": "Date et heure attendues (ISO 8601).",
    "Not a valid list.": "Liste attendue.",
    "Not a valid mapping type.": "Objet JSON attendu.",
    "Invalid input type.": "Type de valeur invalide.",
    "Invalid input.": "Valeur invalide.",
    "Special numeric values (nan or infinity) are not permitted.":
        "Les valeurs spéciales (nan, infini) ne sont pas permises.",
    "Must be one of: ": "Valeur inconnue.",
}


class ApiErrorSchema(ma.Schema):
    """Documents the error body (app.errors.json_error writes it)."""

    code = ma.fields.String(required=True, metadata={
        "description": "Code stable : unauthorized, insufficient_scope, forbidden, not_found, "
                       "validation_error, rule_violated, conflict, rate_limited…"})
    message = ma.fields.String(required=True, metadata={"description": "Message en français"})
    status = ma.fields.Integer(required=True)
    errors = ma.fields.Dict(metadata={
        "description": "Erreurs par emplacement (json, query, path) puis par champ"})
    error = ma.fields.String(metadata={"description": "Copie de « message » (compatibilité)"})


def french(messages):
    """webargs' nested error messages with marshmallow's English ones translated."""
    if isinstance(messages, dict):
        return {str(key): french(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [french(message) for message in messages]
    if isinstance(messages, str):
        for english, translated in FIELD_MESSAGES.items():
            if messages.startswith(english):
                return translated
    return messages


def http_error(error: HTTPException):
    """Any HTTP error raised in an API view (abort, webargs, Flask-Limiter)."""
    db.session.rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = french(data.get("errors") or data.get("messages"))
    response, status = json_error(status, data.get("message") or API_MESSAGES.get(status),
                                  data.get("code"), errors)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="essaim"'
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 429 and hasattr(error, "retry_after"):
        response.headers.setdefault("Retry-After", str(error.retry_after))
    return response, status


def domain_refused(error: ValidationError):
    """A business rule refused what was sent: 422, the message under its field."""
    db.session.rollback()
    errors = {"json": {error.field: [error.message]}} if error.field else None
    return json_error(422, error.message, "rule_violated", errors)


def not_allowed(error: NotAllowed):
    db.session.rollback()
    return json_error(403, error.message or API_MESSAGES[403], "forbidden")


def schema_error(error: ma.ValidationError):
    """A schema raised outside webargs (should not happen): still a 422, never a 500."""
    current_app.logger.warning("unexpected marshmallow error in the API: %s", error.messages)
    db.session.rollback()
    return json_error(422, API_MESSAGES[422], errors={"json": french(error.messages)})


def install(blueprint) -> None:
    """Blueprint-level handlers: they win over the app's HTML error pages for API views."""
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(ValidationError, domain_refused)
    blueprint.register_error_handler(NotAllowed, not_allowed)
    blueprint.register_error_handler(ma.ValidationError, schema_error)
