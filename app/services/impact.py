"""An organisation's impact card: what it does for the territory, counted in one query."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.services.observatory import ANSWERED, FORMED, PUBLISHED, sdg_mapping
from models import Award, Consortium, ConsortiumMember, Match, Organisation, Posting


@dataclass(frozen=True)
class Impact:
    """Counts of the card; `sdgs` are the goals declared by the organisation or served by its
    filières (`data/sdg_filieres.csv`), with `declared` telling which ones it declared."""

    filieres: tuple
    sdgs: tuple[int, ...]
    declared: frozenset[int]
    references: int
    groupements: int
    groupements_formed: int
    matches_proposed: int
    matches_answered: int
    needs: int
    offers: int


def _count(statement):
    return statement.scalar_subquery()


def impact_of(session: Session, organisation: Organisation) -> Impact:
    won = [Award.organisation_id == organisation.id]
    if organisation.siret:
        won.append(Award.winner_siret == organisation.siret)
    joined = (select(func.count(ConsortiumMember.id)).join(Consortium)
              .where(ConsortiumMember.organisation_id == organisation.id,
                     ConsortiumMember.invitation_status == "accepted"))
    matches = select(func.count(Match.id)).where(Match.organisation_id == organisation.id)
    postings = select(func.count(Posting.id)).where(Posting.organisation_id == organisation.id,
                                                     PUBLISHED)
    row = session.execute(select(
        _count(select(func.count(Award.id)).where(or_(*won))),
        _count(joined), _count(joined.where(Consortium.status.in_(FORMED))),
        _count(matches), _count(matches.where(Match.status.in_(ANSWERED))),
        _count(postings.where(Posting.direction == "need")),
        _count(postings.where(Posting.direction == "offer")))).one()
    filiere_ids = {filiere.id for filiere in organisation.filieres}
    declared = frozenset(organisation.sdg or ())
    served = {goal for filiere, goal in sdg_mapping() if filiere in filiere_ids}
    return Impact(tuple(organisation.filieres), tuple(sorted(declared | served)), declared, *row)
