"""The JSON API, /api/v1/ (flask-smorest: marshmallow schemas, OpenAPI 3 at
/api/v1/openapi.json). See docs/api.md."""

from flask import Flask
from flask_smorest import Api

from app.api.auth import SCHEME_DOC, SECURITY_SCHEME
from app.api.errors import ApiErrorSchema

SPEC = {
    "API_TITLE": "Essaim",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "API de la plateforme de coopération de l'ESS de Nantes "
                                "Métropole : lecture publique, écriture avec un jeton "
                                "d'organisation. Limites : 120 requêtes par minute, 30 pour "
                                "la recherche, les CPV et les écritures (par jeton, sinon par "
                                "adresse)."},
        "servers": [{"url": "/"}],
    },
}


class EssaimApi(Api):
    """flask-smorest's Api without its app-wide error handler: the HTML pages keep theirs,
    and each API blueprint has its JSON handlers (app/api/errors.py)."""

    ERROR_SCHEMA = ApiErrorSchema

    def _register_error_handlers(self):
        pass


def init_api(app: Flask) -> EssaimApi:
    from app.api import discovery, matches, organisations, postings

    for key, value in SPEC.items():
        app.config.setdefault(key, value)
    api = EssaimApi(app)
    api.spec.components.security_scheme(SECURITY_SCHEME, SCHEME_DOC)
    for module in (organisations, postings, matches, discovery):
        api.register_blueprint(module.blp)
    return api
