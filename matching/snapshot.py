"""A vector snapshot written once per node and memory-mapped by every web process.

Why: a private FAISS index per process costs its full size in each process (about 0.5 GB per
process at 250k 384-d vectors); a file mapped read-only is one copy in the page cache, shared.

``write_snapshot`` stores, in one directory made visible by an atomic rename:
``vectors.faiss`` (an ``IndexIVFFlat``, which FAISS maps with ``IO_FLAG_MMAP``) or
``vectors.npy`` (a plain matrix mapped by numpy, searched exactly), ``ids.npy`` (row → id),
``order.npy`` (rows sorted by id, so an id is found by binary search without a per-process
dict) and ``manifest.json`` (the change-log sequence the snapshot reflects).

``LiveIndex`` serves a snapshot plus what changed since: a small in-memory delta of upserted
vectors and tombstones over base rows, applied from the change log; once the delta grows past
``MAX_DELTA`` the owner writes a new snapshot and the processes reopen it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

MANIFEST = "manifest.json"
IVF_FILE, FLAT_FILE, IDS_FILE, ORDER_FILE = "vectors.faiss", "vectors.npy", "ids.npy", "order.npy"
MAX_DELTA = 5_000  # delta vectors (or tombstones) past which a new snapshot is due


def _unit(vectors: np.ndarray) -> np.ndarray:
    matrix = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _ivf(vectors: np.ndarray, nlist: int, seed: int = 0) -> faiss.IndexIVFFlat:
    """Inverted lists over k-means cells, trained on a sample (the lists hold the vectors)."""
    dim = vectors.shape[1]
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(seed).choice(len(vectors), min(len(vectors), 40 * nlist),
                                                replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    return index


def write_snapshot(directory: str | Path, ids: Sequence[str], vectors: np.ndarray, *,
                   seq: int, kind: str = "ivf", nlist: int | None = None) -> Path:
    """Write a complete snapshot next to ``directory`` and rename it into place."""
    target = Path(directory)
    matrix = _unit(vectors)
    encoded = np.array(list(ids), dtype=np.bytes_)
    if len(encoded) != len(matrix) or len(set(encoded.tolist())) != len(encoded):
        raise ValueError("ids must be unique and match the vectors one to one")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    manifest = {"seq": seq, "count": len(matrix), "dim": matrix.shape[1], "kind": kind}
    if kind == "ivf":
        manifest["nlist"] = nlist or max(1, int(4 * np.sqrt(len(matrix))))
        faiss.write_index(_ivf(matrix, manifest["nlist"]), str(staging / IVF_FILE))
    elif kind == "flat":
        np.save(staging / FLAT_FILE, matrix)
    else:
        raise ValueError(f"unknown snapshot kind {kind!r}")
    np.save(staging / IDS_FILE, encoded)
    np.save(staging / ORDER_FILE, np.argsort(encoded, kind="stable"))
    (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _replace(staging, target)
    return target


def _replace(staging: Path, target: Path) -> None:
    """Swap the new directory in; processes that mapped the old files keep reading them."""
    for path in staging.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old)


class Snapshot:
    """A read-only snapshot, mapped from disk: its pages are shared by every process."""

    def __init__(self, directory: str | Path, nprobe: int = 16) -> None:
        path = Path(directory)
        self.manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        self.seq, self.kind = self.manifest["seq"], self.manifest["kind"]
        self.ids = np.load(path / IDS_FILE, mmap_mode="r")
        self.order = np.load(path / ORDER_FILE, mmap_mode="r")
        self.matrix, self.index = None, None
        if self.kind == "ivf":
            self.index = faiss.read_index(str(path / IVF_FILE), faiss.IO_FLAG_MMAP)
            self.nprobe = min(nprobe, self.manifest["nlist"])
        else:
            self.matrix = np.load(path / FLAT_FILE, mmap_mode="r")

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, id_: str) -> int | None:
        """The row of ``id_`` by binary search over the mapped sorted order."""
        key = np.bytes_(id_)
        at = int(np.searchsorted(self.ids, key, sorter=self.order))
        if at < len(self.order) and self.ids[self.order[at]] == key:
            return int(self.order[at])
        return None

    def search(self, queries: np.ndarray, k: int,
               dead: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k best live rows per query; missing hits have row -1."""
        if self.index is None:
            return _exact(self.matrix, queries, k, dead)
        params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        if dead is not None and len(dead):
            batch = faiss.IDSelectorBatch(dead.astype(np.int64))
            exclude = faiss.IDSelectorNot(batch)  # both stay referenced during the search
            params.sel = exclude
        return self.index.search(queries, k, params=params)


def _exact(matrix: np.ndarray, queries: np.ndarray, k: int,
           dead: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ matrix.T
    if dead is not None and len(dead):
        scores[:, dead] = -np.inf
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    best = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-best, axis=1, kind="stable")
    rows = np.take_along_axis(top, order, axis=1)
    best = np.take_along_axis(best, order, axis=1)
    rows[~np.isfinite(best)] = -1
    return best, rows


class LiveIndex:
    """A snapshot plus the changes applied since: delta vectors and tombstoned base rows."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.delta: dict[str, np.ndarray] = {}
        self.dead: set[int] = set()
        self._dead_rows: np.ndarray | None = None
        self._delta_matrix: tuple[list[str], np.ndarray] | None = None

    @property
    def seq(self) -> int:
        return self.snapshot.seq

    def needs_snapshot(self) -> bool:
        return max(len(self.delta), len(self.dead)) > MAX_DELTA

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """New vectors win over the snapshot's: the base row becomes a tombstone."""
        for id_, vector in zip(ids, _unit(vectors), strict=True):
            self._bury(id_)
            self.delta[id_] = vector
        self._delta_matrix = None

    def remove(self, ids: Sequence[str]) -> None:
        for id_ in ids:
            self._bury(id_)
            self.delta.pop(id_, None)
        self._delta_matrix = None

    def _bury(self, id_: str) -> None:
        row = self.snapshot.row(id_)
        if row is not None and row not in self.dead:
            self.dead.add(row)
            self._dead_rows = None

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """The k best live ids per query, from the snapshot and the delta, best first."""
        queries = _unit(queries)
        if self._dead_rows is None:
            self._dead_rows = np.fromiter(self.dead, dtype=np.int64, count=len(self.dead))
        scores, rows = self.snapshot.search(queries, k, self._dead_rows)
        ids = self.snapshot.ids
        hits = [[(ids[r].decode(), float(s)) for s, r in zip(srow, rrow, strict=True) if r >= 0]
                for srow, rrow in zip(scores.tolist(), rows.tolist(), strict=True)]
        if self.delta:
            names, matrix = self._delta()
            for found, query in zip(hits, queries @ matrix.T, strict=True):
                best = np.argsort(-query)[:k]
                found.extend((names[i], float(query[i])) for i in best)
                found.sort(key=lambda hit: -hit[1])
                del found[k:]
        return hits

    def _delta(self) -> tuple[list[str], np.ndarray]:
        if self._delta_matrix is None:
            self._delta_matrix = (list(self.delta), np.vstack(list(self.delta.values())))
        return self._delta_matrix
