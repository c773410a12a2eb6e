"""« Tableau de bord »: opportunities for the user's organisations, and their needs' answers."""

from flask import render_template, request
from flask_login import current_user, login_required

from app.dashboard import bp
from app.extensions import db
from app.services.dashboard import dashboard_for
from app.services.events import refresh_pending


@bp.get("/")
@login_required
def index():
    boards = dashboard_for(db.session, current_user.active_organisations())
    template = ("partials/dashboard_boards.html" if request.headers.get("HX-Request")
                else "dashboard/index.html")
    return render_template(template, boards=boards, computing=refresh_pending())
