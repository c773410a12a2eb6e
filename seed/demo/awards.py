"""Winners of the demo's awarded tenders, so that the observatory's procurement figures, the
impact cards and the references show ESS structures winning public contracts."""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Award, Filiere, Organisation, Posting
from seed.demo.persist import SOURCE

WINNER_SPREAD = 5  # tenders of one filière go to its first few ESS suppliers in turn


def awarded_tenders(session: Session) -> list[Posting]:
    return list(session.scalars(
        select(Posting).where(Posting.source == SOURCE, Posting.type == "tender",
                              Posting.status == "closed", Posting.close_reason == "awarded")
        .options(selectinload(Posting.filieres)).order_by(Posting.id)))


def _winner(session: Session, tender: Posting) -> Organisation | None:
    """An ESS supplier of one of the tender's filières, chosen by the tender's id (repeatable)."""
    filieres = [filiere.id for filiere in tender.filieres]
    return session.scalar(
        select(Organisation).where(Organisation.source == SOURCE, Organisation.kind == "ess",
                                   Organisation.filieres.any(Filiere.id.in_(filieres)))
        .order_by(Organisation.id).offset(tender.id % WINNER_SPREAD).limit(1))


def save_awards(session: Session) -> tuple[int, int]:
    """One award per awarded demo tender that has none yet; returns (planned, created)."""
    tenders = awarded_tenders(session)
    has_award = set(session.scalars(select(Award.posting_id).where(
        Award.posting_id.in_([tender.id for tender in tenders]))))
    created = 0
    for tender in tenders:
        winner = None if tender.id in has_award else _winner(session, tender)
        if winner is None:
            continue
        session.add(Award(posting_id=tender.id, organisation_id=winner.id,
                          winner_siret=winner.siret, winner_name=winner.name,
                          amount=tender.budget_max, source=SOURCE,
                          notified_on=tender.closed_at.date() if tender.closed_at else None))
        created += 1
    session.flush()
    return len(tenders), created
