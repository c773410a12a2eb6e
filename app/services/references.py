"""An organisation's public references: the public contracts it won (DECP awards)."""

from sqlalchemy import exists, or_, select, update
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


def link_awards(session: Session) -> int:
    """Attach awards kept by SIRET to the organisation that now has that SIRET (after an
    import of suppliers, or of buyers that also won contracts); returns how many changed."""
    same_siret = Organisation.siret == Award.winner_siret
    result = session.execute(
        update(Award)
        .where(Award.organisation_id.is_(None), Award.winner_siret.is_not(None),
               exists().where(same_siret))
        .values(organisation_id=select(Organisation.id).where(same_siret).scalar_subquery())
        .execution_options(synchronize_session=False))
    return result.rowcount or 0
