"""Get-or-create under concurrency: insert inside a SAVEPOINT, so that losing a race on a
unique key undoes only that insert — never the caller's other work in the transaction."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def added_once(session: Session, add: Callable[[], object]) -> bool:
    """Run `add` (which adds new rows) and flush it in a SAVEPOINT; False when a concurrent
    transaction inserted the same unique key first (its row is then visible to re-read)."""
    try:
        with session.begin_nested():
            add()
            session.flush()
    except IntegrityError:
        return False
    return True
