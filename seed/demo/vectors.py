"""The demo's embeddings, shipped in data/demo/ so that a fresh install serves the demo in
seconds instead of encoding every text first.

The file maps text hashes (`app.infra.vectors.text_hash`) to vectors of one model. It is checked
before use: a few entries are re-encoded and compared, and a file made by another model (or a
changed one) is ignored. Entries for texts that changed since are never looked up.
"""

import logging
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.infra.vectors import insert_vectors
from models import StoredVector

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
SAMPLE = 3


def vectors_file(model: str) -> Path:
    return DATA_DIR / f"vectors-{model}.npz"


def export_vectors(session: Session, model: str, samples: dict[str, tuple[str, str]]) -> int:
    """Write the stored vectors of `model` with a few (kind, text) samples for the check."""
    rows = session.execute(select(StoredVector.text_hash, StoredVector.vector)
                           .where(StoredVector.model == model)).all()
    np.savez_compressed(
        vectors_file(model), hashes=np.array([h for h, _ in rows]),
        vectors=np.vstack([np.frombuffer(v, np.float32) for _, v in rows]),
        sample_hashes=np.array(list(samples)),
        sample_kinds=np.array([kind for kind, _ in samples.values()]),
        sample_texts=np.array([text for _, text in samples.values()]))
    return len(rows)


def load_shipped_vectors(session: Session, encoder) -> int:
    """Store the shipped vectors if they are this encoder's; returns how many were offered."""
    path = vectors_file(encoder.name)
    if not path.exists():
        return 0
    with np.load(path) as data:
        shipped = dict(zip(data["hashes"].tolist(), data["vectors"], strict=True))
        if not _verified(encoder, shipped, data):
            log.warning("%s was made by another model: ignored", path.name)
            return 0
    insert_vectors(session, encoder.name, shipped)
    return len(shipped)


# The same model on another CPU (instruction set, threads) differs by ~1e-3 per component;
# another model, or another version of it, is far below this cosine.
SAME_MODEL = 0.999


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _verified(encoder, shipped: dict, data) -> bool:
    checks = list(zip(data["sample_hashes"].tolist(), data["sample_kinds"].tolist(),
                      data["sample_texts"].tolist(), strict=True))[:SAMPLE]
    for text_hash, kind, text in checks:
        encode = encoder.encode_queries if kind == "query" else encoder.encode_passages
        if text_hash not in shipped or _cosine(encode([text])[0], shipped[text_hash]) < SAME_MODEL:
            return False
    return bool(checks)
