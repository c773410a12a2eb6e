from flask import render_template

from app.extensions import db
from app.main import bp
from app.services.stats import platform_stats


@bp.get("/")
def index():
    return render_template("main/index.html", stats=platform_stats(db.session))
