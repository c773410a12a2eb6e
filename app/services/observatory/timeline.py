"""The monthly timeline: one GROUP BY month per series."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.observatory.common import ANSWERED, Figure, month_of
from models import Award, Consortium, Match, Organisation, Posting


def _monthly(session: Session, column, *where) -> dict[str, int]:
    month = month_of(session, column)
    statement = (select(month, func.count()).where(column.is_not(None), *where)
                 .group_by(month))
    return dict(session.execute(statement).all())


TIMELINE_SERIES = (
    ("Organisations inscrites", lambda: (Organisation.created_at,)),
    ("Besoins publiés", lambda: (Posting.published_at, Posting.direction == "need")),
    ("Offres publiées", lambda: (Posting.published_at, Posting.direction == "offer")),
    ("Mises en relation acceptées", lambda: (Match.updated_at, Match.status.in_(ANSWERED))),
    ("Groupements créés", lambda: (Consortium.created_at,)),
    ("Marchés attribués", lambda: (Award.notified_on,)),
)


def timeline(session: Session) -> Figure:
    """One GROUP BY month per series, merged by month (a few dozen keys, not rows)."""
    series = [_monthly(session, *make()) for _label, make in TIMELINE_SERIES]
    months = sorted(set().union(*series))
    rows = [(month, *(counts.get(month, 0) for counts in series)) for month in months]
    return Figure("evolution-mensuelle", "Évolution mois par mois",
                  ("Mois", *(label for label, _make in TIMELINE_SERIES)), rows,
                  chart="timeline")
