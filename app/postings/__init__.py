from flask import Blueprint

bp = Blueprint("postings", __name__, url_prefix="/annonces")

from app.postings import routes  # noqa: E402,F401
