from flask import Blueprint

bp = Blueprint("consortia", __name__, url_prefix="/groupements")

from app.consortia import routes  # noqa: E402,F401
