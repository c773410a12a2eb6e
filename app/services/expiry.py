"""Postings whose deadline has passed close themselves, with the reason « expired »."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.events import posting_saved
from models import Posting


def expire_past_deadlines(session: Session, today: date | None = None) -> int:
    """Close the published postings whose deadline is before `today`; returns how many."""
    today = today or date.today()
    expired = list(session.scalars(select(Posting).where(
        Posting.status == "published", Posting.deadline < today)))
    for posting in expired:
        posting.close("expired")
    session.flush()
    for posting in expired:
        posting_saved(session, posting)
    return len(expired)
