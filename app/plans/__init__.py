from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plan-achats")

from app.plans import routes  # noqa: E402,F401
