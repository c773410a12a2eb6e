"""A mapped snapshot plus its delta answers like an index rebuilt from the same live vectors."""

import numpy as np
import pytest

from matching.snapshot import LiveIndex, Snapshot, write_snapshot


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Embedding-like vectors: a few centres plus noise, unit length."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((8, dim))
    vectors = centres[rng.integers(8, size=n)] + 0.3 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _exact(live: dict[str, np.ndarray], query: np.ndarray, k: int) -> list[str]:
    names = list(live)
    scores = np.vstack([live[n] for n in names]) @ query
    return [names[i] for i in np.argsort(-scores, kind="stable")[:k]]


@pytest.fixture(params=["flat", "ivf"])
def corpus(request, tmp_path):
    vectors = _clustered(600)
    ids = [f"org:{i}" for i in range(600)]
    write_snapshot(tmp_path / "snap", ids, vectors, seq=42, kind=request.param, nlist=4)
    snapshot = Snapshot(tmp_path / "snap", nprobe=4)  # every cell: exact, comparable
    return snapshot, dict(zip(ids, vectors, strict=True))


def test_snapshot_keeps_sequence_and_finds_rows_by_id(corpus):
    snapshot, live = corpus
    assert snapshot.seq == 42 and len(snapshot) == len(live)
    assert snapshot.ids[snapshot.row("org:123")].decode() == "org:123"
    assert snapshot.row("org:9999") is None


def test_live_index_follows_upserts_and_removals(corpus):
    snapshot, live = corpus
    index = LiveIndex(snapshot)
    fresh = _clustered(5, seed=9)
    changed = ["org:3", "org:77", "new:1", "new:2", "org:500"]
    index.upsert(changed, fresh)
    index.remove(["org:10", "org:11", "new:2"])
    live.update(zip(changed, fresh, strict=True))
    for gone in ("org:10", "org:11", "new:2"):
        live.pop(gone)
    for query in _clustered(20, seed=4):
        found = [id_ for id_, _ in index.search(query, 10)[0]]
        assert found == _exact(live, query, 10)


def test_rewriting_a_snapshot_replaces_it_while_the_old_one_stays_readable(corpus, tmp_path):
    snapshot, live = corpus
    write_snapshot(tmp_path / "snap", ["a", "b"], _clustered(2, seed=5), seq=43, kind="flat")
    assert Snapshot(tmp_path / "snap").seq == 43
    assert len(LiveIndex(snapshot).search(_clustered(1, seed=6), 5)[0]) == 5  # old mapping


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ValueError):
        write_snapshot(tmp_path / "s", ["a", "a"], _clustered(2), seq=1, kind="flat")
