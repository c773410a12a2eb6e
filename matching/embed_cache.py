"""Embedding cache: bounded in-memory LRUs, and crash-safe .npz shards for passage vectors.

Passages (profile texts) are few and stable, so their vectors are persisted by text hash and
reloaded at start-up. Queries (free-text searches, need texts) are unbounded in number: they
live in a size-bounded in-memory LRU only and never touch the disk; a stored need's vector is
kept by the application and handed back to the matcher (``query_vector``).

A shard is written under a name the loader never reads (leading dot, ``.part`` suffix),
flushed, fsync'd, then renamed atomically; a shard that cannot be read (killed mid-write by
an older version, disk full, truncated copy) is logged and skipped, never fatal.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
import uuid
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matching.encoder import Encoder

log = logging.getLogger(__name__)

PASSAGE_CACHE_MAX = 100_000
QUERY_CACHE_MAX = 4096
MAX_SHARDS = 16
STALE_PART_S = 3600.0  # a .part file older than this was left by a killed writer
UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class LRU:
    """A thread-safe mapping that forgets its least recently used entries past ``max_size``."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            vector = self._data.get(key)
            if vector is not None:
                self._data.move_to_end(key)
            return vector

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._lock:
            for key, vector in items:
                self._data[key] = np.asarray(vector, dtype=np.float32)
                self._data.move_to_end(key)
            while len(self._data) > self.max_size:
                self._data.popitem(last=False)


def text_key(kind: str, text: str) -> str:
    """Cache key of a text: sha1 of its kind (query or passage) and the text itself."""
    return hashlib.sha1(f"{kind}: {text}".encode()).hexdigest()


class ShardStore:
    """Append-only .npz shards of (keys, vectors) for one encoder, compacted on load."""

    def __init__(self, directory: Path, encoder_name: str, dim: int) -> None:
        self.directory = directory
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", encoder_name)
        self.dim = dim
        directory.mkdir(parents=True, exist_ok=True)

    def _shards(self) -> list[Path]:
        return sorted(self.directory.glob(f"{self.prefix}-*.npz"))

    def load(self) -> dict[str, np.ndarray]:
        """Every readable shard's entries; unreadable shards are logged and skipped."""
        shards = self._shards()
        entries: dict[str, np.ndarray] = {}
        for shard in shards:
            entries.update(self._read(shard))
        if len(shards) > MAX_SHARDS:
            self._compact(shards, entries)
        return entries

    def _read(self, shard: Path) -> dict[str, np.ndarray]:
        try:
            with np.load(shard, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                if vectors.ndim != 2 or vectors.shape != (len(keys), self.dim):
                    raise ValueError(f"shape {vectors.shape} for {len(keys)} keys")
                return dict(zip(keys.tolist(), vectors.astype(np.float32), strict=True))
        except UNREADABLE as error:
            log.warning("Embedding cache: unreadable shard %s skipped (%s)", shard, error)
            return {}

    def _compact(self, shards: list[Path], entries: dict[str, np.ndarray]) -> None:
        """Merge the shards into one (written first, so a crash loses nothing)."""
        self.append(entries)
        for shard in shards:
            shard.unlink(missing_ok=True)
        cutoff = time.time() - STALE_PART_S
        for part in self.directory.glob(f".{self.prefix}-*.part"):
            if part.stat().st_mtime < cutoff:
                part.unlink(missing_ok=True)

    def append(self, entries: dict[str, np.ndarray]) -> None:
        """Write one shard atomically: temporary name, flush, fsync, rename."""
        if not entries:
            return
        name = f"{self.prefix}-{uuid.uuid4().hex}.npz"
        part, target = self.directory / f".{name}.part", self.directory / name
        try:
            with open(part, "wb") as handle:
                np.savez(handle, keys=np.array(list(entries)),
                         vectors=np.vstack(list(entries.values())).astype(np.float32))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, target)
            _fsync_directory(self.directory)
        except OSError as error:  # a full disk costs a re-encoding later, not the request
            log.warning("Embedding cache: could not write %s (%s)", target, error)
            part.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CachedEncoder:
    """Wraps an encoder so that a text already seen is not encoded again.

    Passage vectors live in an LRU of ``max_entries`` and, when ``cache_dir`` is given, in
    shards reloaded at start-up; query vectors live in an LRU of ``max_queries`` only.
    """

    def __init__(self, backend: Encoder, cache_dir: str | Path | None = None,
                 max_entries: int = PASSAGE_CACHE_MAX,
                 max_queries: int = QUERY_CACHE_MAX) -> None:
        self.backend = backend
        self.name = backend.name
        self.dim = backend.dim
        self.passages = LRU(max_entries)
        self.queries = LRU(max_queries)
        self._store = ShardStore(Path(cache_dir), backend.name, self.dim) if cache_dir else None
        if self._store:
            self.passages.put_many(self._store.load().items())

    def __len__(self) -> int:
        return len(self.passages) + len(self.queries)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", self.queries, self.backend.encode_queries, None)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage", self.passages, self.backend.encode_passages,
                            self._store)

    def _encode(self, texts: Sequence[str], kind: str, cache: LRU,
                encode: Callable[[Sequence[str]], np.ndarray],
                store: ShardStore | None) -> np.ndarray:
        keys = [text_key(kind, t) for t in texts]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        found, missing = _lookup(cache, keys, texts)
        if missing:
            fresh = dict(zip(missing, encode(list(missing.values())), strict=True))
            cache.put_many(fresh.items())
            if store:
                store.append(fresh)
            found.update(fresh)
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)


def _lookup(cache: LRU, keys: list[str],
            texts: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Cached vectors by key, and unseen keys mapped to their text (no duplicates)."""
    found: dict[str, np.ndarray] = {}
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key in found or key in missing:
            continue
        vector = cache.get(key)
        if vector is None:
            missing[key] = text
        else:
            found[key] = vector
    return found, missing
