"""What changed, written in the same transaction as the change itself.

`ProfileChange` is the index's change log: every committed change to an organisation, a posting
or an award appends the keys it affects (``org:12``, ``posting:40``). Each process's index reads
the log past the last sequence number it applied, so every process converges on what the
database says, and a change that was never committed never reaches any index.

`OutboxEvent` is the transactional outbox: what must follow a change (re-rank needs, alert
suppliers, send an e-mail) is stored with the change and run by the job queue after the commit;
an event whose job was lost (a crash between commit and enqueue) is picked up again by a sweep.

`StoredVector` keeps embeddings by model and text hash, shared by every process: the worker
encodes once, web processes apply the change without encoding.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

# Attributes whose change does not alter what the engine sees.
IGNORED_ATTRIBUTES = frozenset({"updated_at", "created_at", "matched_at", "memberships"})
PROFILES_CHANGED = "profiles_changed"
REBUILD = "*"  # a change-log key meaning « re-derive everything » (`flask reindex`)


class ProfileChange(Base):
    __tablename__ = "profile_changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class StoredVector(Base):
    __tablename__ = "stored_vectors"
    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(40), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def emit(session: Session, topic: str, **payload) -> OutboxEvent:
    """Record what must follow this transaction; the job queue runs it after the commit."""
    outbox_event = OutboxEvent(topic=topic, payload=payload)
    session.add(outbox_event)
    return outbox_event


def profile_keys(row) -> set[str]:
    """Index keys a changed row affects (empty for rows the engine does not read)."""
    from models.award import Award
    from models.organisation import Organisation
    from models.posting import Lot, Posting

    if isinstance(row, Organisation):
        return {f"org:{row.id}"}
    if isinstance(row, Posting):
        return {f"posting:{row.id}"}
    if isinstance(row, Lot) and row.posting_id:
        return {f"posting:{row.posting_id}"}
    if isinstance(row, Award) and row.organisation_id:
        return {f"org:{row.organisation_id}"}
    return set()


def _really_changed(row) -> bool:
    """True unless only bookkeeping attributes moved (a posting's `matched_at`, stamps)."""
    state = inspect(row)
    return any(attr.history.has_changes() for attr in state.attrs
               if attr.key not in IGNORED_ATTRIBUTES)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    keys = session.info.setdefault("changed_keys", set())
    session.info.setdefault("new_events", []).extend(
        row.id for row in session.new if isinstance(row, OutboxEvent))
    for row in list(session.new) + list(session.deleted):
        keys |= profile_keys(row)
    for row in session.dirty:
        if session.is_modified(row) and _really_changed(row):
            keys |= profile_keys(row)


@event.listens_for(Session, "before_commit")
def _log_changes(session: Session) -> None:
    """Write the change log and one outbox event with the transaction being committed."""
    session.flush()
    keys = session.info.pop("changed_keys", set())
    if keys:
        session.add_all(ProfileChange(key=key) for key in sorted(keys))
        emit(session, PROFILES_CHANGED, keys=sorted(keys))
        session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("changed_keys", None)
    session.info.pop("new_events", None)


def committed_events(session: Session) -> list[int]:
    """Ids of the outbox events the transaction just committed (read once, in after_commit)."""
    return session.info.pop("new_events", [])
