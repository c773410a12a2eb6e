"""Embeddings shared by every process, stored by model and text hash (`StoredVector`).

The worker encodes a changed text once and stores its vector; web processes read it instead of
encoding. Readers never write: a vector missing from the store is encoded in memory only.
"""

import hashlib

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import StoredVector

BATCH = 500  # hashes per IN (...) query


def text_hash(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}: {text}".encode()).hexdigest()


def _stored(session: Session, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), BATCH):
        rows = session.execute(select(StoredVector.text_hash, StoredVector.vector).where(
            StoredVector.model == model,
            StoredVector.text_hash.in_(unique[start:start + BATCH])))
        found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
    return found


def _vectors(session: Session, encoder, texts: list[str], kind: str,
             store: bool) -> np.ndarray:
    hashes = [text_hash(kind, t) for t in texts]
    found = _stored(session, encoder.name, hashes)
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
    if missing:
        encode = encoder.encode_queries if kind == "query" else encoder.encode_passages
        fresh = dict(zip(missing, encode(list(missing.values())), strict=True))
        if store:
            insert_vectors(session, encoder.name, fresh)
        found.update(fresh)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack([found[h] for h in hashes]).astype(np.float32, copy=False)


def stored_passages(session: Session, model: str, texts: list[str]) -> dict[str, np.ndarray]:
    """The stored passage vectors of those texts that have one, by text (nothing encoded)."""
    hashes = {text_hash("passage", t): t for t in texts}
    return {hashes[h]: v for h, v in _stored(session, model, list(hashes)).items()}


def passages(session: Session, encoder, texts: list[str], store: bool = False) -> np.ndarray:
    """Passage vectors of `texts`, from the store where present; `store` keeps new ones."""
    return _vectors(session, encoder, texts, "passage", store)


def query(session: Session, encoder, text: str, store: bool = False) -> np.ndarray:
    """A stored need's query vector (encoded once, when the worker first ranks it)."""
    return _vectors(session, encoder, [text], "query", store)[0]


def insert_vectors(session: Session, model: str, vectors: dict[str, np.ndarray]) -> None:
    """Insert, ignoring rows another process stored meanwhile."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"model": model, "text_hash": h, "vector": np.asarray(v, np.float32).tobytes()}
            for h, v in vectors.items()]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(StoredVector).values(rows[start:start + BATCH])
                        .on_conflict_do_nothing())
