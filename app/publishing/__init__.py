from flask import Blueprint

bp = Blueprint("publishing", __name__, url_prefix="/publier")

from app.publishing import routes  # noqa: E402,F401
