"""The demo's shipped vectors: accepted from the same model on another machine (tiny numeric
differences), refused when they come from another model."""

import numpy as np

from matching.encoder import get_encoder
from seed.demo.vectors import _verified, vectors_file


def _shipped():
    encoder = get_encoder()
    data = dict(np.load(vectors_file(encoder.name)))
    return encoder, dict(zip(data["hashes"].tolist(), data["vectors"], strict=True)), data


def test_shipped_vectors_are_this_models():
    encoder, shipped, data = _shipped()
    assert len(shipped) > 300 and _verified(encoder, shipped, data)


def test_vectors_of_another_model_are_refused():
    encoder, shipped, data = _shipped()
    rng = np.random.default_rng(0)
    other = {h: v + rng.normal(0, 0.02, v.shape).astype(np.float32) for h, v in shipped.items()}
    assert not _verified(encoder, other, data)
