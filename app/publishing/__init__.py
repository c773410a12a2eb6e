from flask import Blueprint

bp = Blueprint("publishing", __name__, url_prefix="/publier")

from app.publishing import expiry, routes  # noqa: E402,F401
