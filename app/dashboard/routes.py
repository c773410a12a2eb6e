"""« Tableau de bord »: opportunities for the user's organisations, and their needs' answers."""

from flask_login import current_user, login_required

from app.dashboard import bp
from app.extensions import db
from app.htmx import render_filtered
from app.services.dashboard import dashboard_for
from app.services.events import refresh_pending
from app.services.feedback import feedback_by_match


@bp.get("/")
@login_required
def index():
    boards = dashboard_for(db.session, current_user.active_organisations())
    return render_filtered("dashboard/index.html", "partials/dashboard_boards.html",
                           boards=boards, computing=refresh_pending(db.session),
                           feedback=feedback_by_match(db.session, current_user.id))
