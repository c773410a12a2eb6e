from flask import Blueprint

bp = Blueprint("observatory", __name__, url_prefix="/observatoire")

from app.observatory import routes  # noqa: E402,F401
