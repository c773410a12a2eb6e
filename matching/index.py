"""FAISS vector index with stable string ids, in-place updates and save/load.

Below ``APPROX_THRESHOLD`` vectors the index is exact (``IndexFlatIP``): measured on the
2-core reference machine, a brute-force query over 384-d vectors costs about 0.6 ms at 10k
and 4 ms at 50k on one thread, so exact recall is nearly free; it then grows linearly
(13 ms at 100k) while HNSW stays under 1 ms. Hence 50k (see docs/benchmarks.md).

HNSW cannot delete. Removed or replaced vectors become tombstones: their labels are
excluded during the graph search by a FAISS ``IDSelector`` (so k live results still come
back, no over-fetch guessing), and the graph is rebuilt from the live vectors once
tombstones exceed ``MAX_TOMBSTONE_FRACTION`` of it, which keeps the amortised cost low.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

INDEX_FILE = "vectors.faiss"
META_FILE = "meta.json"


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Float32, C-contiguous, L2-normalised rows of shape (n, dim); never mutates the input.

    Already-normalised float32 input is used as is, so a 100k build makes no extra copy.
    """
    matrix = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != dim:
        raise ValueError(f"expected vectors of dimension {dim}, got shape {matrix.shape}")
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
    if not np.allclose(norms, 1.0, atol=1e-4):
        matrix = matrix / np.maximum(norms, 1e-12)[:, None]
    return matrix


def _new_faiss(dim: int, approximate: bool) -> faiss.IndexIDMap2:
    if not approximate:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    hnsw = faiss.IndexHNSWFlat(dim, VectorIndex.HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = VectorIndex.EF_CONSTRUCTION
    hnsw.hnsw.efSearch = VectorIndex.EF_SEARCH
    return faiss.IndexIDMap2(hnsw)


class VectorIndex:
    """FAISS inner-product index over L2-normalised vectors with stable string ids."""

    APPROX_THRESHOLD = 50_000
    HNSW_M = 32
    EF_CONSTRUCTION = 100
    EF_SEARCH = 128
    MAX_TOMBSTONE_FRACTION = 0.2

    def __init__(self, dim: int, approximate: bool | None = None) -> None:
        self.dim = dim
        self._auto = approximate is None
        self._approximate = bool(approximate)
        self._index = _new_faiss(dim, self._approximate)
        self._labels: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        self._next_label = 0
        self._dead: set[int] = set()
        self._selector: tuple[faiss.IDSelector, ...] | None = None

    @classmethod
    def build(cls, ids: Sequence[str], vectors: np.ndarray,
              approximate: bool | None = None) -> VectorIndex:
        """Index ``vectors``; ``approximate=None`` picks HNSW from APPROX_THRESHOLD up."""
        matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        index = cls(matrix.shape[1], approximate)
        if approximate is None:
            index._approximate = len(set(ids)) >= cls.APPROX_THRESHOLD
            index._index = _new_faiss(index.dim, index._approximate)
        index.upsert(ids, matrix)
        return index

    @property
    def approximate(self) -> bool:
        return self._approximate

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, id: str) -> bool:
        return id in self._labels

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add new ids and replace the vectors of known ones (the last duplicate wins)."""
        matrix = _as_matrix(vectors, self.dim)
        if len(ids) != len(matrix):
            raise ValueError(f"{len(ids)} ids for {len(matrix)} vectors")
        last_row = {id_: row for row, id_ in enumerate(ids)}
        if not last_row:
            return
        self._drop([self._labels[i] for i in last_row if i in self._labels])
        labels = np.arange(self._next_label, self._next_label + len(last_row), dtype=np.int64)
        rows = matrix if len(last_row) == len(matrix) else matrix[list(last_row.values())]
        self._index.add_with_ids(rows, labels)
        self._next_label += len(labels)
        for id_, label in zip(last_row, labels.tolist(), strict=True):
            self._labels[id_] = label
            self._ids[label] = id_
        self._maybe_restructure()

    def remove(self, ids: Sequence[str]) -> None:
        """Forget ``ids`` (unknown ids are ignored)."""
        self._drop([self._labels[i] for i in dict.fromkeys(ids) if i in self._labels])
        self._maybe_restructure()

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """The k nearest live ids of each query with their inner product, best first."""
        queries = _as_matrix(vectors, self.dim)
        if k <= 0 or not self._labels:
            return [[] for _ in range(len(queries))]
        k = min(k, len(self._labels))
        scores, labels = self._index.search(queries, k, params=self._search_params(k))
        return [self._hits(row_labels, row_scores)
                for row_labels, row_scores in zip(labels, scores, strict=True)]

    def vector(self, id: str) -> np.ndarray | None:
        """The stored (normalised) vector of ``id``, or None."""
        label = self._labels.get(id)
        return None if label is None else self._index.reconstruct(label).copy()

    def save(self, path: str | Path) -> None:
        """Write the FAISS index and the id mapping into directory ``path``."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / INDEX_FILE))
        meta = {"dim": self.dim, "auto": self._auto, "approximate": self._approximate,
                "next_label": self._next_label, "dead": sorted(self._dead),
                "ids": list(self._labels), "labels": list(self._labels.values())}
        (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """Read an index written by ``save``."""
        directory = Path(path)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        index = cls(meta["dim"], None if meta["auto"] else meta["approximate"])
        index._approximate = meta["approximate"]
        index._index = faiss.read_index(str(directory / INDEX_FILE))
        index._labels = dict(zip(meta["ids"], meta["labels"], strict=True))
        index._ids = {label: id_ for id_, label in index._labels.items()}
        index._next_label = meta["next_label"]
        index._dead = set(meta["dead"])
        return index

    def _hits(self, labels: np.ndarray, scores: np.ndarray) -> list[tuple[str, float]]:
        ids = self._ids
        return [(ids[label], float(score))
                for label, score in zip(labels.tolist(), scores.tolist(), strict=True)
                if label in ids]

    def _search_params(self, k: int) -> faiss.SearchParameters | None:
        if not self._approximate:
            return None
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(self.EF_SEARCH, 2 * k)
        if self._dead:
            if self._selector is None:
                batch = faiss.IDSelectorBatch(np.fromiter(self._dead, dtype=np.int64))
                self._selector = (batch, faiss.IDSelectorNot(batch))
            params.sel = self._selector[1]
        return params

    def _drop(self, labels: list[int]) -> None:
        """Unmap labels; exact indexes delete them, HNSW tombstones them."""
        if not labels:
            return
        for label in labels:
            del self._labels[self._ids.pop(label)]
        if self._approximate:
            self._dead.update(labels)
            self._selector = None
        else:
            self._index.remove_ids(np.array(labels, dtype=np.int64))

    def _maybe_restructure(self) -> None:
        too_dead = len(self._dead) > self.MAX_TOMBSTONE_FRACTION * max(self._index.ntotal, 1)
        outgrown = self._auto and not self._approximate and len(self) >= self.APPROX_THRESHOLD
        if too_dead or outgrown:
            self._rebuild()

    def _rebuild(self) -> None:
        """Re-index the live vectors only, choosing the kind again in automatic mode."""
        store = faiss.downcast_index(self._index.index)
        vectors = store.reconstruct_n(0, store.ntotal)
        labels = faiss.vector_to_array(self._index.id_map)
        live = np.fromiter((label in self._ids for label in labels.tolist()), dtype=bool,
                           count=len(labels))
        if self._auto:
            self._approximate = int(live.sum()) >= self.APPROX_THRESHOLD
        self._index = _new_faiss(self.dim, self._approximate)
        self._index.add_with_ids(vectors[live], labels[live])
        self._dead.clear()
        self._selector = None
