from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

from app.organisations import claims, notifications, routes, tokens  # noqa: E402,F401
