"""Each process's search index, kept in step with the database by its change log.

An `IndexHolder` owns one `matching.Matcher` over one kind of profiles. It is built from the
database on first use; afterwards it reads the change log (`ProfileChange`) past the last
sequence number it applied, at most once per `check_interval` seconds, and re-derives only the
profiles those keys name. A change committed by any process (web, worker, CLI) thus reaches
every process within about a second, with no table scan on the read path. Vectors come from the
shared `StoredVector` table when the worker has stored them; otherwise they are encoded here
(and never written: reading a page must not write).
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy.orm import Session

from app.infra import vectors
from app.infra.change_cursor import ChangeCursor
from matching.api import Matcher
from matching.ranker import load_ranker
from matching.types import Profile
from models.change_log import REBUILD

REREAD_AFTER_BUILD = 100
# (session, changed keys) → (profiles to upsert, profile ids to remove)
Loader = Callable[[Session, set[str]], tuple[list[Profile], set[str]]]
Everything = Callable[[Session], list[Profile]]


class IndexHolder:
    """One process's matcher over one kind of profiles, synced from the change log."""

    def __init__(self, name: str, everything: Everything, load: Loader, encoder_factory,
                 check_interval: float = 1.0, ranker_file: str | None = None) -> None:
        self.name, self.everything, self.load = name, everything, load
        self.ranker_file = ranker_file  # the instance's learned ranker, when there is one
        self.encoder_factory = encoder_factory
        self.check_interval = check_interval
        self.matcher: Matcher | None = None
        self.waiting: set[str] = set()  # profiles whose new vector the worker has not stored
        self.cursor = ChangeCursor()
        self.checked_at = float("-inf")
        self.lock = threading.RLock()

    @contextmanager
    def using(self, session: Session) -> Iterator[Matcher]:
        """The synced matcher, held under the lock (the FAISS index is not thread-safe)."""
        with self.lock:
            yield self.sync(session)

    def reset(self) -> None:
        with self.lock:
            self.matcher, self.checked_at = None, float("-inf")
            self.cursor.reset(0)

    def sync(self, session: Session) -> Matcher:
        with self.lock:
            now = time.monotonic()
            if self.matcher is not None and now - self.checked_at < self.check_interval:
                return self.matcher
            self.checked_at = now
            head = self.cursor.head(session)
            if self.matcher is None or head < self.cursor.low:  # new, or the log was emptied
                self._build(session, head)
            elif self.cursor.behind(head):
                self._apply(session)
            self._adopt_stored_vectors(session)
            return self.matcher

    def _build(self, session: Session, head: int) -> None:
        """Everything from the database; changes committed meanwhile are applied next time."""
        ranker = load_ranker(self.ranker_file)
        self.matcher, self.waiting = Matcher(self.encoder_factory(), ranker=ranker), set()
        self._upsert(session, self.everything(session))
        # Numbers just below the head may belong to transactions still committing: re-read them.
        self.cursor.reset(max(0, head - REREAD_AFTER_BUILD))

    def _apply(self, session: Session) -> None:
        keys = self.cursor.new_keys(session)
        if REBUILD in keys:
            self._build(session, self.cursor.head(session))
            return
        profiles, gone = self.load(session, keys)
        owned = {pid for pid, p in self.matcher.profiles.items() if p.owner_id in keys}
        self.matcher.remove(gone | (owned - {p.id for p in profiles}))
        self._upsert(session, profiles)

    def _upsert(self, session: Session, profiles: list[Profile]) -> None:
        """Profiles take effect at once (flags, filières, place, words); a changed text whose
        vector the worker has not stored yet keeps its previous vector meanwhile (`waiting`):
        processes never all re-encode the same text. New texts are encoded here."""
        if not profiles:
            return
        encoder = self.matcher.encoder
        known = vectors.stored_passages(session, encoder.name, [p.full_text for p in profiles])
        old = {p.id: self._vector_of(p.id) for p in profiles if p.full_text not in known}
        new = [p.full_text for p in profiles if p.full_text not in known and old[p.id] is None]
        if new:
            known.update(zip(new, encoder.encode_passages(new), strict=True))
        self.waiting = (self.waiting | {p.id for p in profiles if p.full_text not in known}) - {
            p.id for p in profiles if p.full_text in known}
        rows = [known[p.full_text] if p.full_text in known else old[p.id] for p in profiles]
        self.matcher.upsert(profiles, np.vstack(rows))

    def _vector_of(self, profile_id: str) -> np.ndarray | None:
        index = self.matcher.index
        return index.vector(profile_id) if index is not None and profile_id in index else None

    def _adopt_stored_vectors(self, session: Session) -> None:
        """Swap in the vectors the worker stored since for profiles that were waiting."""
        if not self.waiting:
            return
        profiles = [self.matcher.profiles[i] for i in self.waiting if i in self.matcher.profiles]
        stored = vectors.stored_passages(session, self.matcher.encoder.name,
                                         [p.full_text for p in profiles])
        ready = [p for p in profiles if p.full_text in stored]
        if ready:
            self.matcher.upsert(ready, np.vstack([stored[p.full_text] for p in ready]))
        self.waiting = {p.id for p in profiles} - {p.id for p in ready}

    def changed_profiles(self, session: Session, keys: set[str]) -> list[Profile]:
        """The current profiles of changed keys (all of them after a rebuild)."""
        if REBUILD in keys:
            return self.everything(session)
        return self.load(session, keys)[0]

    def status(self) -> dict:
        with self.lock:
            size = len(self.matcher.profiles) if self.matcher else 0
            return {"profiles": size, "seq": self.cursor.low, "built": self.matcher is not None,
                    "vectors_waiting": len(self.waiting)}


@dataclass
class Indexes:
    """The process's two indexes: suppliers (organisations and open offers), postings."""

    suppliers: IndexHolder
    postings: IndexHolder

    def reset(self) -> None:
        self.suppliers.reset()
        self.postings.reset()

    def status(self) -> dict:
        return {"suppliers": self.suppliers.status(), "postings": self.postings.status()}


def current_index() -> Indexes:
    return current_app.extensions["essaim.index"]
