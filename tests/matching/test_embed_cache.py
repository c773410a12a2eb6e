"""The embedding cache survives crashes and stays bounded (issue #9, item 5)."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching.embed_cache import MAX_SHARDS, CachedEncoder, ShardStore

REPO = Path(__file__).resolve().parents[2]
DIM = 8


class HashEncoder:
    """A deterministic stand-in for e5 (the cache, not the model, is under test)."""

    name = "e5"
    dim = DIM

    def __init__(self) -> None:
        self.calls = 0

    def _encode(self, texts, salt: str) -> np.ndarray:
        self.calls += 1
        rows = [np.frombuffer(hashlib.sha256((salt + t).encode()).digest()[:DIM], np.uint8)
                for t in texts]
        return np.array(rows, dtype=np.float32).reshape(len(rows), DIM) + 1.0

    def encode_queries(self, texts):
        return self._encode(texts, "q")

    def encode_passages(self, texts):
        return self._encode(texts, "p")


def shards(directory: Path) -> list[Path]:
    return sorted(directory.glob("e5-*.npz"))


def test_truncated_shard_is_skipped_and_logged(tmp_path, caplog):
    CachedEncoder(HashEncoder(), tmp_path).encode_passages(["atelier vélo"])
    CachedEncoder(HashEncoder(), tmp_path).encode_passages(["recyclerie"])
    broken = shards(tmp_path)[0]
    broken.write_bytes(broken.read_bytes()[:40])
    (tmp_path / "e5-0123abcd.tmp.npz").write_bytes(b"PK\x03\x04 partial")  # the old layout
    with caplog.at_level(logging.WARNING, "matching.embed_cache"):
        backend = HashEncoder()
        reopened = CachedEncoder(backend, tmp_path)
    assert caplog.text.count("unreadable shard") == 2
    assert len(reopened.passages) == 1  # the intact shard still loads
    again = reopened.encode_passages(["atelier vélo", "recyclerie"])
    assert np.array_equal(again, HashEncoder().encode_passages(["atelier vélo", "recyclerie"]))
    assert backend.calls == 1  # only the lost text is encoded again


def test_shard_of_another_dimension_is_ignored(tmp_path, caplog):
    np.savez(tmp_path / "e5-wrongdim.npz", keys=np.array(["k"]), vectors=np.ones((1, 3)))
    with caplog.at_level(logging.WARNING, "matching.embed_cache"):
        cached = CachedEncoder(HashEncoder(), tmp_path)
    assert len(cached) == 0 and "unreadable shard" in caplog.text
    assert cached.encode_passages(["x"]).shape == (1, DIM)


KILL_DURING_WRITE = """
import os, signal, sys
import numpy as np
from matching import embed_cache
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die before the rename
embed_cache.ShardStore(embed_cache.Path(sys.argv[1]), "e5", 8).append({"k": np.ones(8)})
"""


def test_writer_killed_mid_write_leaves_nothing_the_loader_reads(tmp_path, caplog):
    CachedEncoder(HashEncoder(), tmp_path).encode_passages(["épicerie solidaire"])
    done = subprocess.run([sys.executable, "-c", KILL_DURING_WRITE, str(tmp_path)], cwd=REPO,
                          check=False)
    assert done.returncode == -9
    assert len(list(tmp_path.glob(".e5-*.part"))) == 1 and len(shards(tmp_path)) == 1
    with caplog.at_level(logging.WARNING, "matching.embed_cache"):
        backend = HashEncoder()
        reopened = CachedEncoder(backend, tmp_path)
        reopened.encode_passages(["épicerie solidaire"])
    assert backend.calls == 0 and not caplog.text


def test_compaction_merges_readable_shards_only(tmp_path):
    for i in range(MAX_SHARDS + 1):
        CachedEncoder(HashEncoder(), tmp_path).encode_passages([f"texte {i}"])
    shards(tmp_path)[0].write_bytes(b"garbage")
    merged = CachedEncoder(HashEncoder(), tmp_path)
    assert len(merged.passages) == MAX_SHARDS and len(shards(tmp_path)) == 1
    assert len(ShardStore(tmp_path, "e5", DIM).load()) == MAX_SHARDS


def test_distinct_queries_write_no_file_and_stay_bounded(tmp_path):
    cached = CachedEncoder(HashEncoder(), tmp_path, max_queries=50)
    for i in range(200):
        cached.encode_queries([f"recherche numéro {i}"])
    assert not list(tmp_path.iterdir())
    assert len(cached.queries) == 50


def test_query_lru_keeps_the_recently_used(tmp_path):
    backend = HashEncoder()
    cached = CachedEncoder(backend, max_queries=2)
    cached.encode_queries(["a"])
    cached.encode_queries(["b"])
    cached.encode_queries(["a"])  # touched: "b" is now the oldest
    cached.encode_queries(["c"])
    calls = backend.calls
    cached.encode_queries(["a"])
    assert backend.calls == calls
    cached.encode_queries(["b"])
    assert backend.calls == calls + 1


@pytest.mark.parametrize("texts", [[], ["même", "même"]])
def test_duplicates_and_empty_batches(texts):
    backend = HashEncoder()
    out = CachedEncoder(backend).encode_passages(texts)
    assert out.shape == (len(texts), DIM) and backend.calls == (1 if texts else 0)
