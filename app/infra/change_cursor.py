"""A reader's place in the change log (`ProfileChange`).

Sequence numbers are given when a row is inserted, not when its transaction commits: on
PostgreSQL a transaction holding number 9 may commit after another one's number 10. A reader that
jumped to 10 would never see 9. The cursor keeps a low watermark below which it has read every
number, remembers the numbers it read above it, and reads past the watermark on each look. A
number that never appears (a rolled-back transaction's) is stepped over once the watermark has
been stuck on it for `gap_timeout` seconds, far longer than any transaction.
"""

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ProfileChange

GAP_TIMEOUT_S = 60.0


class ChangeCursor:
    def __init__(self, gap_timeout: float = GAP_TIMEOUT_S) -> None:
        self.gap_timeout = gap_timeout
        self.reset(0)

    def reset(self, head: int) -> None:
        self.low, self.read, self.stuck = head, set(), None

    def head(self, session: Session) -> int:
        return session.scalar(select(func.max(ProfileChange.seq))) or 0

    def behind(self, head: int) -> bool:
        """True when the log holds numbers this reader has not read, or gaps remain open."""
        return head > max(self.read, default=self.low) or bool(self.read)

    def new_keys(self, session: Session) -> set[str]:
        """Keys of the rows committed since the last look, in whatever order they committed."""
        rows = session.execute(select(ProfileChange.seq, ProfileChange.key)
                               .where(ProfileChange.seq > self.low)).all()
        fresh = [(seq, key) for seq, key in rows if seq not in self.read]
        self.read |= {seq for seq, _ in fresh}
        self._advance()
        return {key for _, key in fresh}

    def _advance(self) -> None:
        while self.low + 1 in self.read:
            self.low += 1
            self.read.discard(self.low)
        if not self.read:
            self.stuck = None
            return
        now = time.monotonic()
        if self.stuck is None or self.stuck[0] != self.low:
            self.stuck = (self.low, now)
        elif now - self.stuck[1] >= self.gap_timeout:  # a number that will never commit
            self.low = min(self.read) - 1
            self._advance()
