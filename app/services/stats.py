"""Figures shown on the home page."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.directory import reference_choices
from models import Organisation, Posting


def _published(direction: str):
    return (select(func.count(Posting.id))
            .where(Posting.direction == direction, Posting.status == "published")
            .scalar_subquery())


def platform_stats(session: Session) -> dict:
    """Three counts in one round trip; the filières come from the per-process reference data."""
    organisations, needs, offers = session.execute(select(
        select(func.count(Organisation.id)).scalar_subquery(),
        _published("need"), _published("offer"))).one()
    return {"organisations": organisations, "needs": needs, "offers": offers,
            "filieres": list(reference_choices(session).filieres)}
