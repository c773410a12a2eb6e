"""What every API blueprint shares: JSON error handlers, no CSRF (token auth only), and the
rate limits (per token, else per address; documented in docs/api.md and the spec)."""

from flask_smorest import Blueprint

from app.api import errors
from app.api.auth import rate_limit_key, token_required
from app.extensions import csrf, limiter

PREFIX = "/api/v1"
READ_LIMIT = "120 per minute"  # every call of a blueprint, by default
HEAVY_LIMIT = "30 per minute"  # search and CPV suggestions run the engine
WRITE_LIMIT = "30 per minute"


def api_blueprint(name: str, path: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix=PREFIX + path, description=description)
    errors.install(blueprint)
    csrf.exempt(blueprint)
    limiter.limit(READ_LIMIT, key_func=rate_limit_key)(blueprint)
    return blueprint


def limit(rate: str):
    """A stricter limit for one view (it replaces the blueprint's)."""
    return limiter.limit(rate, key_func=rate_limit_key)


def documented_limit(blueprint, rate: str):
    """The 429 answer in the spec."""
    return blueprint.alt_response(429, schema=errors.ApiErrorSchema,
                                  description=f"Limite dépassée ({rate})")


def writes(blueprint, on_posting: bool = True):
    """A write route: `write` token, its rate limit, and its answers in the spec."""

    def decorator(view):
        view = blueprint.alt_response(404, schema=errors.ApiErrorSchema,
                                      description="Annonce inconnue")(view) if on_posting else view
        view = documented_limit(blueprint, WRITE_LIMIT)(view)
        return token_required(blueprint, "write")(limit(WRITE_LIMIT)(view))

    return decorator
