"""The animator's space (platform animators only). This package holds the status validation
queue (statuses.py); other pages of the space add their own modules."""

from flask import Blueprint

bp = Blueprint("animation", __name__, url_prefix="/animation")

from app.animation import statuses  # noqa: E402,F401
