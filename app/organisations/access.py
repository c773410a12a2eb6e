"""Lookup helpers that abort, and the organisation the logged-in user acts for.

A user with several organisations acts for one « current » organisation kept in the session;
it is re-checked against the user's active memberships on every request.
"""

from flask import abort, flash, redirect, session, url_for
from flask_login import current_user

from app.access import get_or_404, require_member
from app.extensions import db, login_manager
from app.services.memberships import is_owner
from models import Organisation

SESSION_KEY = "organisation_id"


def my_organisations() -> list[Organisation]:
    if not current_user.is_authenticated:
        return []
    return sorted(current_user.active_organisations(), key=lambda o: o.name.lower())


def current_organisation() -> Organisation | None:
    """The chosen organisation if the user is still an active member, else the first one."""
    organisations = my_organisations()
    chosen = session.get(SESSION_KEY)
    return next((o for o in organisations if o.id == chosen),
                organisations[0] if organisations else None)


def choose_organisation(organisation_id: int) -> Organisation:
    """Make `organisation_id` current; 403 unless the user is an active member."""
    organisation = next((o for o in my_organisations() if o.id == organisation_id), None)
    if organisation is None:
        abort(403)
    session[SESSION_KEY] = organisation.id
    return organisation


def acting_organisation(organisation_id: int | None = None) -> Organisation | None:
    """The organisation to act for: an explicit `org_id` (checked), else the current one."""
    if organisation_id is not None:
        return choose_organisation(organisation_id)
    return current_organisation()


def acting_or_onboarding(organisation_id: int | None = None) -> Organisation:
    """The organisation to act for; a user without one is sent to create it first."""
    organisation = acting_organisation(organisation_id)
    if organisation is None:
        flash("Inscrivez d'abord votre organisation (ou rejoignez-en une) pour continuer.", "info")
        abort(redirect(url_for("organisations.create")))
    return organisation


def get_organisation(organisation_id: int, owner: bool = False) -> Organisation:
    """The organisation, 404 when unknown; 403 unless a member (an owner when `owner`).

    Animators pass both checks."""
    organisation = get_or_404(Organisation, organisation_id)
    require_member(organisation.id)
    if owner and not (current_user.is_animator
                      or is_owner(db.session, current_user.id, organisation.id)):
        abort(403)
    return organisation


def require_login() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
