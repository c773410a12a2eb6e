"""Operations endpoints: health for load balancers and monitoring."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from app.ops import routes  # noqa: E402,F401
