"""Demo follow-up: a tender of the demo buyer closed with the demo ESS actor as winner (its
Award shows on the actor's « Références publiques »), and interest shown on an open need, so
that `make run` shows the timeline, the dashboard counts and an award. Idempotent: nothing is
added to a need that already has a follow-up."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Award, FollowUpEvent, Organisation, Posting

BUYER, WINNER = "commune-44143", "ressourcerie-ile"
CLOSED_STEPS = ("interested", "shortlisted", "contacted", "replied", "retained")


def _needs(session: Session, buyer: Organisation, status: str) -> list[Posting]:
    return list(session.scalars(select(Posting).where(
        Posting.organisation_id == buyer.id, Posting.direction == "need",
        Posting.status == status).order_by(Posting.id)))


def _followed(session: Session, posting: Posting) -> bool:
    return session.scalar(select(FollowUpEvent.id).where(
        FollowUpEvent.need_id == posting.id).limit(1)) is not None


def _steps(posting: Posting, winner: Organisation, kinds: tuple[str, ...],
           start: datetime) -> list[FollowUpEvent]:
    return [FollowUpEvent(need_id=posting.id, organisation_id=winner.id, kind=kind,
                          created_at=start + timedelta(days=2 * day))
            for day, kind in enumerate(kinds)]


def save_outcomes(session: Session, by_key: dict[str, Organisation]) -> tuple[int, int]:
    """Returns (follow-up events created, planned)."""
    buyer, winner = by_key.get(BUYER), by_key.get(WINNER)
    if buyer is None or winner is None:
        return 0, 0
    rows: list = []
    planned = 0
    closed = _needs(session, buyer, "closed")
    closed = [p for p in closed if p.close_reason == "awarded"] or closed
    if closed:
        posting = closed[0]
        planned += len(CLOSED_STEPS)
        if not _followed(session, posting):
            start = posting.published_at or datetime.now(UTC) - timedelta(days=30)
            rows += _steps(posting, winner, CLOSED_STEPS, start)
            posting.close_reason = "awarded"
            rows.append(Award(posting=posting, organisation=winner, winner_siret=winner.siret,
                              winner_name=winner.name, amount=posting.budget_max,
                              notified_on=(posting.closed_at or start).date(),
                              source="essaim"))
    published = _needs(session, buyer, "published")
    if published:
        planned += 1
        if not _followed(session, published[0]):
            rows += _steps(published[0], winner, ("interested",),
                           published[0].published_at or datetime.now(UTC))
    session.add_all(rows)
    session.flush()
    return sum(isinstance(row, FollowUpEvent) for row in rows), planned
