from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/compte")

from app.auth import routes, verification  # noqa: E402,F401
