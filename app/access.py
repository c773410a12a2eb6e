"""Access in one place: who is looking (`current_viewer`), the organisation a user acts for,
and the lookups that abort 404 (unknown) or 403 (not yours). Every blueprint uses these.

A user with several organisations acts for one « current » organisation kept in the session;
it is re-checked against the user's active memberships on every request.
"""

from flask import abort, flash, g, redirect, session, url_for
from flask_login import current_user

from app.extensions import db, login_manager
from app.services.memberships import is_owner
from app.services.viewer import ANONYMOUS, Viewer
from models import Organisation

SESSION_KEY = "organisation_id"


def current_viewer() -> Viewer:
    """The viewer of this request, computed once (cleared when a request is replayed)."""
    if "viewer" not in g:
        g.viewer = _build_viewer()
    return g.viewer


def forget_viewer() -> None:
    """Drop the cached viewer (a replayed request must see memberships afresh)."""
    g.pop("viewer", None)


def _build_viewer() -> Viewer:
    if not current_user.is_authenticated:
        return ANONYMOUS
    ids = frozenset(m.organisation_id for m in current_user.memberships if m.status == "active")
    return Viewer(current_user.id, ids, bool(current_user.is_animator))


def member_organisation_ids() -> set[int]:
    """Organisations the logged-in user is an active member of (empty when anonymous)."""
    return set(current_viewer().organisation_ids)


def is_member(organisation_id: int | None) -> bool:
    return current_viewer().is_member(organisation_id)


def require_login() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def require_member(organisation_id: int | None) -> None:
    """401 (login page) when anonymous, 403 unless a member of the organisation or animator."""
    require_login()
    if not is_member(organisation_id):
        abort(403)


def get_or_404(model, object_id: int | None, for_update: bool = False):
    """The row, 404 when unknown; `for_update` locks it until the commit (PostgreSQL)."""
    lock = {"of": model} if for_update else None  # its own row, not the eager-joined ones
    row = db.session.get(model, object_id or 0, with_for_update=lock,
                         populate_existing=for_update)
    if row is None:
        abort(404)
    return row


def get_owned_or_403(model, object_id: int | None, for_update: bool = False):
    """A row that belongs to an organisation (`organisation_id`): 404 unknown, 403 unless
    the user is a member of that organisation."""
    row = get_or_404(model, object_id, for_update)
    require_member(row.organisation_id)
    return row


def get_organisation(organisation_id: int, owner: bool = False) -> Organisation:
    """The organisation, 404 when unknown; 403 unless a member (an owner when `owner`).

    Animators pass both checks."""
    organisation = get_or_404(Organisation, organisation_id)
    require_member(organisation.id)
    if owner and not (current_viewer().animator
                      or is_owner(db.session, current_user.id, organisation.id)):
        abort(403)
    return organisation


# -- the organisation the user acts for ---------------------------------------------------------
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
    """The organisation to act for: an explicit id (made current; 403 unless the user is an
    active member of it), else the current one (None for a user without organisation)."""
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
