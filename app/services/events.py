"""Domain events: what must follow when a posting changes, recorded in the outbox.

Services call these after their flush; the events are stored in the same transaction and run
by the job queue after the commit (`reactions`). Changes to organisations and offers need no
call: the change log (`models.change_log`) records them, and its `profiles_changed` event
re-ranks the open needs.
"""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models import OutboxEvent, Posting
from models.change_log import PROFILES_CHANGED, emit

NEED_PUBLISHED, NEED_CHANGED = "need_published", "need_changed"
RANKING_TOPICS = (PROFILES_CHANGED, NEED_PUBLISHED, NEED_CHANGED)


def posting_saved(session: Session, posting: Posting, newly_published: bool = False) -> None:
    """A posting was created, edited, published or closed: an open need is (re-)ranked."""
    if posting.direction == "need" and posting.is_open:
        emit(session, NEED_PUBLISHED if newly_published else NEED_CHANGED,
             posting_id=posting.id)


def refresh_pending(session: Session) -> bool:
    """True while a ranking job is waiting or running (pages say « calcul en cours »)."""
    return bool(session.scalar(select(exists().where(
        OutboxEvent.topic.in_(RANKING_TOPICS), OutboxEvent.done_at.is_(None)))))
