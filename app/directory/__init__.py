from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/annuaire")

from app.directory import routes  # noqa: E402,F401
