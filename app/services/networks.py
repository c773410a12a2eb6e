"""A network's space: its member organisations and the open opportunities that fit them."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Match, NetworkMember, Organisation, Posting

OPPORTUNITIES_SHOWN = 40


def members_of_network(session: Session, network_id: int) -> list[Organisation]:
    return list(session.scalars(
        select(Organisation).join(NetworkMember, NetworkMember.member_id == Organisation.id)
        .where(NetworkMember.network_id == network_id).order_by(Organisation.name)))


def opportunities_for(session: Session, member_ids: list[int],
                      limit: int = OPPORTUNITIES_SHOWN) -> list[Match]:
    """Suggestions of open needs (published, deadline not passed) to the members, best first."""
    if not member_ids:
        return []
    return list(session.scalars(
        select(Match).join(Posting, Posting.id == Match.need_id)
        .where(Match.organisation_id.in_(member_ids), Match.dismissed.is_(False),
               Posting.status == "published",
               or_(Posting.deadline.is_(None), Posting.deadline >= date.today()))
        .order_by(Match.score.desc(), Match.id).limit(limit)))


def networks_of(organisations: list[Organisation]) -> list[Organisation]:
    """Which of the user's organisations are networks (their menu shows the network space)."""
    return [o for o in organisations if o.kind == "network"]
