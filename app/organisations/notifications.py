"""Notifications page, and what every page needs to know about the user's organisations."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.access import get_or_404, member_organisation_ids
from app.extensions import db
from app.organisations import bp
from app.organisations.access import current_organisation, my_organisations
from app.services.contacts import can_see_contact_details
from app.services.notify import mark_read, notifications_for, unread_count
from app.urls import safe_next
from models import Notification, Organisation


def contact_visible(organisation: Organisation) -> bool:
    return can_see_contact_details(db.session, current_user, organisation)


@bp.app_context_processor
def organisation_context() -> dict:
    """`unread_notifications`, `current_organisation`, `my_organisations`, `contact_visible`."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0, "current_organisation": None,
                "my_organisations": [], "contact_visible": contact_visible}
    return {"unread_notifications": unread_count(db.session, member_organisation_ids()),
            "current_organisation": current_organisation(),
            "my_organisations": my_organisations(), "contact_visible": contact_visible}


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("organisations/notifications.html",
                           notifications=notifications_for(db.session, member_organisation_ids()))


@bp.post("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Mark one notification read and follow its link (same-site links only; a POST: reading
    a page never writes)."""
    notification = get_or_404(Notification, notification_id)
    if notification.organisation_id not in member_organisation_ids():
        abort(404)
    mark_read(db.session, [notification])
    db.session.commit()
    return redirect(safe_next(notification.url) or url_for("organisations.notifications"))


@bp.post("/notifications/lues")
@login_required
def mark_all_read():
    mark_read(db.session, notifications_for(db.session, member_organisation_ids(), limit=1000))
    db.session.commit()
    return redirect(url_for("organisations.notifications"))
