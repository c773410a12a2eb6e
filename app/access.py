"""Lookup helpers that abort: every route checks ownership and membership the same way."""

from flask import abort
from flask_login import current_user

from app.extensions import db, login_manager


def member_organisation_ids() -> set[int]:
    """Organisations the logged-in user is an active member of (empty when anonymous)."""
    if not current_user.is_authenticated:
        return set()
    return {m.organisation_id for m in current_user.memberships if m.status == "active"}


def is_member(organisation_id: int | None) -> bool:
    return organisation_id is not None and (
        organisation_id in member_organisation_ids()
        or (current_user.is_authenticated and current_user.is_animator))


def require_member(organisation_id: int | None) -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not is_member(organisation_id):
        abort(403)


def get_or_404(model, object_id: int):
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row
