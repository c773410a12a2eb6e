"""Groupement lookups on top of app/access.py (404 hides a groupement's existence from those
who may not see it) and the organisations a user may found or manage one for."""

from flask import abort
from sqlalchemy import select

from app.access import current_viewer, get_or_404
from app.extensions import db
from app.services.consortia.formation import can_see, managers
from app.services.consortia.proposals import MEMBER_KINDS
from models import Consortium, ConsortiumMember, NotAllowed, Organisation


def get_consortium(consortium_id: int) -> Consortium:
    consortium = get_or_404(Consortium, consortium_id)
    if not can_see(consortium, current_viewer()):
        abort(404)
    return consortium


def get_member(consortium: Consortium, member_id: int) -> ConsortiumMember:
    member = db.session.get(ConsortiumMember, member_id)
    if member is None or member.consortium_id != consortium.id:
        abort(404)
    return member


def founder_choices() -> list[Organisation]:
    """The user's organisations that may join a groupement (ESS actors and companies)."""
    ids = current_viewer().organisation_ids
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(ids), Organisation.kind.in_(MEMBER_KINDS)).order_by(Organisation.name)))


def manager_organisation(consortium: Consortium) -> Organisation:
    """On whose behalf a manager acts: its managing organisation (the creator for animators)."""
    viewer = current_viewer()
    mine = sorted(viewer.organisation_ids & managers(consortium))
    if mine:
        return db.session.get(Organisation, mine[0])
    if viewer.animator:
        return consortium.created_by
    raise NotAllowed()
