"""VectorIndex: id mapping, in-place updates, persistence, and HNSW recall against exact."""

from __future__ import annotations

import time

import faiss
import numpy as np
import pytest

from matching.index import VectorIndex

DIM = 32


def unit_vectors(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    faiss.normalize_L2(vectors)
    return vectors


def embedding_like(n: int, seed: int, dim: int = 384, latent: int = 32) -> np.ndarray:
    """Random unit vectors with low intrinsic dimension, as sentence embeddings have."""
    basis = np.random.default_rng(42).standard_normal((latent, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, latent)).astype(np.float32) @ basis / np.sqrt(latent)
    vectors += 0.15 * rng.standard_normal((n, dim)).astype(np.float32)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    faiss.normalize_L2(vectors)
    return vectors


def ids_for(n: int, start: int = 0) -> list[str]:
    return [f"org-{i}" for i in range(start, start + n)]


@pytest.fixture(params=[False, True], ids=["exact", "hnsw"])
def index(request: pytest.FixtureRequest) -> VectorIndex:
    return VectorIndex.build(ids_for(500), unit_vectors(500), approximate=request.param)


def top_ids(index: VectorIndex, query: np.ndarray, k: int) -> list[str]:
    return [id_ for id_, _ in index.search(query, k)[0]]


def test_build_finds_each_vector_first(index: VectorIndex) -> None:
    vectors = unit_vectors(500)
    results = index.search(vectors[:20], 5)
    assert [hits[0][0] for hits in results] == ids_for(20)
    assert all(hits[0][1] == pytest.approx(1.0, abs=1e-4) for hits in results)
    assert all(len(hits) == 5 for hits in results)
    assert all(a[1] >= b[1] for hits in results for a, b in zip(hits, hits[1:], strict=False))


def test_upsert_replaces_without_duplicates(index: VectorIndex) -> None:
    target = unit_vectors(500)[7]
    index.upsert(["org-0", "org-0"], np.vstack([unit_vectors(1, seed=9)[0], target]))
    hits = top_ids(index, target, 10)
    assert set(hits[:2]) == {"org-0", "org-7"}
    assert len(hits) == len(set(hits)) == 10
    assert len(index) == 500
    assert np.allclose(index.vector("org-0"), target, atol=1e-6)


def test_upsert_adds_new_ids(index: VectorIndex) -> None:
    fresh = unit_vectors(3, seed=5)
    index.upsert(ids_for(3, start=1000), fresh)
    assert len(index) == 503 and "org-1001" in index
    assert top_ids(index, fresh[1], 1) == ["org-1001"]


def test_removed_ids_are_never_returned(index: VectorIndex) -> None:
    vectors = unit_vectors(500)
    removed = ids_for(50)
    index.remove(removed + ["unknown"])
    results = index.search(vectors[:50], 20)
    assert all(len(hits) == 20 for hits in results)
    assert not {id_ for hits in results for id_, _ in hits} & set(removed)
    assert len(index) == 450 and "org-3" not in index and index.vector("org-3") is None


def test_hnsw_compacts_after_many_removals() -> None:
    index = VectorIndex.build(ids_for(500), unit_vectors(500), approximate=True)
    index.remove(ids_for(150))
    assert index._index.ntotal == 350 and not index._dead
    assert top_ids(index, unit_vectors(500)[200], 1) == ["org-200"]


def test_search_edge_cases() -> None:
    empty = VectorIndex(DIM)
    assert empty.search(unit_vectors(2), 5) == [[], []]
    small = VectorIndex.build(ids_for(3), unit_vectors(3))
    assert len(small.search(unit_vectors(1), 10)[0]) == 3
    assert small.search(unit_vectors(1), 0) == [[]]
    with pytest.raises(ValueError):
        small.upsert(["x"], np.ones((1, DIM + 1), dtype=np.float32))


def test_save_load_round_trip(index: VectorIndex, tmp_path) -> None:
    index.remove(["org-1"])
    index.upsert(["org-2"], unit_vectors(1, seed=3))
    index.save(tmp_path / "idx")
    loaded = VectorIndex.load(tmp_path / "idx")
    queries = unit_vectors(30, seed=4)
    assert loaded.search(queries, 10) == index.search(queries, 10)
    assert len(loaded) == len(index) and loaded.approximate == index.approximate
    loaded.upsert(["org-new"], unit_vectors(1, seed=6))
    assert "org-new" in loaded and "org-1" not in loaded


def test_automatic_choice_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(VectorIndex, "APPROX_THRESHOLD", 100)
    assert not VectorIndex.build(ids_for(99), unit_vectors(99)).approximate
    assert VectorIndex.build(ids_for(100), unit_vectors(100)).approximate
    growing = VectorIndex.build(ids_for(60), unit_vectors(60))
    growing.upsert(ids_for(60, start=60), unit_vectors(60, seed=1))
    assert growing.approximate and len(growing) == 120
    assert top_ids(growing, unit_vectors(60, seed=1)[5], 1) == ["org-65"]


def test_hnsw_recall_at_10_against_exact() -> None:
    """Production HNSW parameters keep recall@10 >= 0.95 on 20k embedding-like vectors."""
    corpus, queries = embedding_like(20_000, seed=1), embedding_like(300, seed=2)
    ids = ids_for(len(corpus))
    started = time.perf_counter()
    approx = VectorIndex.build(ids, corpus, approximate=True)
    exact = VectorIndex.build(ids, corpus, approximate=False)
    truth = [{id_ for id_, _ in hits} for hits in exact.search(queries, 10)]
    found = [{id_ for id_, _ in hits} for hits in approx.search(queries, 10)]
    recall = np.mean([len(t & f) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95, f"recall@10 = {recall:.3f}"
    assert time.perf_counter() - started < 60
