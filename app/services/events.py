"""Domain events: what must follow when a posting or an organisation changes.

Services that write call these after their flush. A published need gets its suggestions at
once (fast: one query through the engine) and alerts the organisations that fit; a new or
edited organisation or offer may fit every open need, so those are recomputed in the
background worker.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services import background
from app.services.alerts import alert_fitting_organisations
from app.services.matching import refresh_all_open_needs, refresh_matches
from models import Organisation, Posting

ALL_NEEDS_JOB = "refresh-all-open-needs"


def posting_saved(session: Session, posting: Posting, newly_published: bool = False) -> None:
    """A posting was created, edited, published or closed."""
    if posting.direction == "need":
        if posting.is_open:
            matches = refresh_matches(session, posting)
            if newly_published:
                alert_fitting_organisations(session, posting, matches)
    else:
        refresh_needs_later(session)


def organisation_saved(session: Session, organisation: Organisation) -> None:
    """An organisation was created or its profile edited."""
    refresh_needs_later(session)


def refresh_needs_later(session: Session) -> None:
    """Queue the recomputation once the caller's changes are committed (the worker has its
    own session and would not see them before)."""
    bind = session.get_bind()

    def submit(_session=None) -> None:
        background.submit(ALL_NEEDS_JOB, refresh_all_open_needs, bind)

    if session.in_transaction():
        event.listen(session, "after_commit", submit, once=True)
    else:
        submit()


def refresh_pending() -> bool:
    return background.is_pending(ALL_NEEDS_JOB)
