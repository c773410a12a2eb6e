"""Who the current user acts for on groupements, and the lookups that abort (404 hides a
groupement's existence from those who may not see it)."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from app.access import get_or_404, member_organisation_ids
from app.extensions import db
from app.services.consortia.formation import NotAllowed, Viewer, can_see, managers
from app.services.consortia.proposals import MEMBER_KINDS
from models import Consortium, ConsortiumMember, Organisation


def viewer() -> Viewer:
    animator = current_user.is_authenticated and current_user.is_animator
    return Viewer(frozenset(member_organisation_ids()), animator)


def get_consortium(consortium_id: int) -> Consortium:
    consortium = get_or_404(Consortium, consortium_id)
    if not can_see(consortium, viewer()):
        abort(404)
    return consortium


def get_member(consortium: Consortium, member_id: int) -> ConsortiumMember:
    member = db.session.get(ConsortiumMember, member_id)
    if member is None or member.consortium_id != consortium.id:
        abort(404)
    return member


def acting_organisations() -> list[Organisation]:
    """The user's organisations that may join a groupement (ESS actors and companies)."""
    ids = member_organisation_ids()
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(ids), Organisation.kind.in_(MEMBER_KINDS)).order_by(Organisation.name)))


def acting_organisation(organisation_id: int | None) -> Organisation:
    """The chosen organisation if the user acts for it, else 403."""
    organisation = db.session.get(Organisation, organisation_id or 0)
    if organisation is None or organisation.id not in member_organisation_ids():
        abort(403)
    return organisation


def manager_organisation(consortium: Consortium) -> Organisation:
    """On whose behalf a manager acts: its managing organisation (the creator for animators)."""
    mine = sorted(viewer().organisation_ids & managers(consortium))
    if mine:
        return db.session.get(Organisation, mine[0])
    if viewer().animator:
        return consortium.created_by
    raise NotAllowed("manage")
