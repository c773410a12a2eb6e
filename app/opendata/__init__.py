from flask import Blueprint

bp = Blueprint("opendata", __name__, url_prefix="/donnees")

from app.opendata import routes  # noqa: E402,F401
