"""An organisation's public references: the public contracts it won (DECP awards)."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Award, Organisation, Posting

REFERENCES_SHOWN = 20


def references_for(session: Session, organisation: Organisation,
                   limit: int = REFERENCES_SHOWN) -> list[Award]:
    """Awards won by the organisation, newest first: linked to it, or to its SIRET (an award
    imported before the organisation registered on Essaim counts as soon as it does)."""
    won = [Award.organisation_id == organisation.id]
    if organisation.siret:
        won.append(Award.winner_siret == organisation.siret)
    return list(session.scalars(
        select(Award).where(or_(*won))
        .options(joinedload(Award.posting).joinedload(Posting.organisation),
                 joinedload(Award.posting).selectinload(Posting.cpv_codes))
        .order_by(Award.notified_on.desc().nulls_last(), Award.id.desc())
        .limit(limit)))


def awards_of(session: Session, posting: Posting) -> list[Award]:
    """The winners of an awarded tender, by name."""
    return list(session.scalars(select(Award).where(Award.posting_id == posting.id)
                                .options(selectinload(Award.organisation))
                                .order_by(Award.winner_name)))
