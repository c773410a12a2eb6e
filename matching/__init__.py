"""Essaim's matching engine: a pure library (never imports flask, app or models).

Public API, loaded lazily so that ``import matching`` stays cheap::

    from matching import Matcher, Need, Profile, SearchFilters, SearchQuery, Suggestion, METHODS
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Profile": "matching.types",
    "Need": "matching.types",
    "Suggestion": "matching.types",
    "SearchFilters": "matching.types",
    "SearchQuery": "matching.types",
    "Ranker": "matching.ranker",
    "Matcher": "matching.api",
    "METHODS": "matching.api",
    "load_dataset": "matching.dataset",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'matching' has no attribute {name!r}")
