"""Figures shown on the home page."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Filiere, Organisation, Posting


def platform_stats(session: Session) -> dict:
    count = lambda stmt: session.scalar(stmt) or 0  # noqa: E731
    return {
        "organisations": count(select(func.count(Organisation.id))),
        "needs": count(select(func.count(Posting.id)).where(
            Posting.direction == "need", Posting.status == "published")),
        "offers": count(select(func.count(Posting.id)).where(
            Posting.direction == "offer", Posting.status == "published")),
        "filieres": list(session.scalars(select(Filiere).order_by(Filiere.position))),
    }
