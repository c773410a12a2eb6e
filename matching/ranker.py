"""The ranker: a linear model over the named features of ``matching.features``.

A ranker is a weight per feature name; the score of a candidate is ``Σ w·f``. The shipped
one (``data/ranker.json``) is learned by ``scripts/train_ranker.py`` (pairwise logistic
regression pulled towards the hand-set recipe, see ``docs/ranking.md``); its file holds the
weights, the version and the training report's figures. Without a file the hand-set recipe
(``matching.rank.SIGNAL_WEIGHTS``) ranks. Weights are expressed relative to ``fused`` (its
weight is 1), so that a score keeps the unit of text relevance whatever the model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from matching.features import FeatureTable
from matching.rank import SIGNAL_WEIGHTS

SHIPPED = Path(__file__).resolve().parent / "data" / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Feature name → weight, with where it came from (version, training figures)."""

    weights: Mapping[str, float]
    version: str = "hand-set"
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(self.weights)

    def scores(self, table: FeatureTable) -> np.ndarray:
        """Score of every candidate of a feature table."""
        w = np.array([self.weights[n] for n in self.features], dtype=np.float64)
        return table.matrix(self.features) @ w if table.rows else np.zeros(0)

    def score(self, row: Mapping[str, float]) -> float:
        return float(sum(w * row.get(name, 0.0) for name, w in self.weights.items()))

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "kind": "linear",
                "weights": {n: round(w, 6) for n, w in self.weights.items()}, **self.meta}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")


HAND_SET = Ranker(dict(SIGNAL_WEIGHTS))


def read_ranker(path: str | Path) -> Ranker:
    """A ranker file written by ``Ranker.save`` (raises on a malformed one)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("kind") != "linear":
        raise ValueError(f"{path}: unknown ranker kind {data.get('kind')!r}")
    weights = {str(n): float(w) for n, w in data["weights"].items()}
    meta = {k: v for k, v in data.items() if k not in ("version", "kind", "weights")}
    return Ranker(weights, str(data.get("version", "unknown")), meta)


@lru_cache(maxsize=4)
def load_ranker(path: str | None = None) -> Ranker:
    """The ranker at ``path`` if it exists, else the shipped file, else the hand-set recipe."""
    for candidate in (path, SHIPPED):
        if candidate and Path(candidate).is_file():
            return read_ranker(candidate)
    return HAND_SET
