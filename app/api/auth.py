"""Bearer tokens for the API: who is calling (`g.api_token`), required scopes, and the key
of the rate limits. Session cookies are ignored here: the API blueprints are CSRF-exempt, so
only a header a browser never sends by itself may authenticate a call."""

from functools import wraps

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from app.api.errors import ApiErrorSchema
from app.extensions import db
from app.services.api_tokens import authenticate
from models import ApiToken

SECURITY_SCHEME = "bearerAuth"
SCHEME_DOC = {"type": "http", "scheme": "bearer", "bearerFormat": "ess_…",
              "description": "Jeton d'API d'une organisation, créé sur sa page « API »."}


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def current_token() -> ApiToken | None:
    """The active token of this request, or None; looked up once per request."""
    if "api_token" not in g:
        secret = bearer_secret()
        g.api_token = authenticate(db.session, secret) if secret else None
    return g.api_token


def rate_limit_key() -> str:
    """Per token when one is valid (a client behind a shared address keeps its quota),
    else per address (an invalid token cannot buy a fresh quota)."""
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-ip:{get_remote_address()}"


def require_token(scope: str) -> ApiToken:
    """401 without a valid token, 403 when the token lacks `scope`."""
    token = current_token()
    if token is None:
        abort(401)
    if scope not in token.scope_list:
        abort(403, message=f"Ce jeton n'a pas la permission « {scope} ».",
              code="insufficient_scope")
    return token


def token_required(blueprint, scope: str):
    """Decorate a view (under `@blueprint.route`): check the token before anything else,
    and document the security requirement and the 401/403 answers."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            require_token(scope)
            return view(*args, **kwargs)

        checked = blueprint.doc(security=[{SECURITY_SCHEME: []}])(checked)
        checked = blueprint.alt_response(401, schema=ApiErrorSchema,
                                         description="Jeton manquant, invalide ou révoqué")(checked)
        return blueprint.alt_response(403, schema=ApiErrorSchema,
                                      description="Permission (scope) ou objet refusé")(checked)

    return decorator
