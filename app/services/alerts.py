"""Alerts to suppliers when a need that fits them is published (a job: idempotent, so a
retried or re-run job never alerts anyone twice)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.match_actions import supplier_of
from models import Match, Notification, Posting

ALERT_MIN_SCORE = 0.0  # suggestions are already filtered and ranked; top ones are alerted
ALERT_TOP = 10


def wants_alert(organisation, posting: Posting) -> bool:
    """The organisation's own preferences: frequency not `none`, and its chosen filières."""
    if organisation.alert_frequency == "none":
        return False
    chosen = set(organisation.alert_filieres or [])
    return not chosen or bool(chosen & {f.id for f in posting.filieres})


def alert_fitting_organisations(session: Session, posting: Posting, matches: list[Match]) -> int:
    """Notify the best-fitting suppliers of a newly published need; returns how many."""
    from app.services.notify import notify

    url = f"/annonces/{posting.id}"
    alerted = set(session.scalars(select(Notification.organisation_id).where(
        Notification.kind == "opportunity", Notification.url == url)))
    already = len(alerted)
    for match in matches[:ALERT_TOP]:
        supplier = supplier_of(match)
        if match.score < ALERT_MIN_SCORE or supplier.id in alerted:
            continue
        if wants_alert(supplier, posting):
            notify(session, supplier, "opportunity",
                   f"Nouvelle opportunité : « {posting.title} » ({posting.organisation.name}). "
                   f"{match.explanation}", url)
            alerted.add(supplier.id)
    return len(alerted) - already
