"""The animators' and networks' space: moderation queue, network pages, reports."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/animation")

from app.moderation import routes  # noqa: E402,F401
