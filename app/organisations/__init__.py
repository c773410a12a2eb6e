from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

from app.organisations import notifications, routes, tokens  # noqa: E402,F401
