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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from matching.features import FeatureTable
from matching.metrics import all_metrics
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


def load_ranker(path: str | Path | None = None) -> Ranker:
    """The ranker at ``path`` if it exists (``flask train-ranker`` writes one in the instance
    folder), else the shipped file, else the hand-set recipe."""
    for candidate in (path, SHIPPED):
        if candidate and Path(candidate).is_file():
            return _read_cached(str(candidate), Path(candidate).stat().st_mtime_ns)
    return HAND_SET


@lru_cache(maxsize=8)
def _read_cached(path: str, _mtime: int) -> Ranker:
    return read_ranker(path)


# -- learning ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """One training query: its feature table and graded labels (id → grade, 0 if absent)."""

    table: FeatureTable
    labels: Mapping[str, float]
    weight: float = 1.0  # how much this query counts (each set is balanced by the caller)


def pair_matrix(groups: Sequence[Group], names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Differences ``f(better) − f(worse)`` over every ordered pair of a query, each query
    weighing ``group.weight`` in all (a query with 100 pairs counts as much as one with 3)."""
    diffs, weights = [], []
    for group in groups:
        if not group.table.rows:
            continue
        x = group.table.matrix(names)
        y = np.array([group.labels.get(i, 0.0) for i in group.table.ids])
        better, worse = np.nonzero(y[:, None] > y[None, :])
        if len(better) == 0:
            continue
        diffs.append(x[better] - x[worse])
        weights.append(np.full(len(better), group.weight / len(better)))
    if not diffs:
        return np.zeros((0, len(names))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def fit_pairwise(groups: Sequence[Group], names: Sequence[str], prior: Ranker,
                 strength: float, frozen: Sequence[str] = ()) -> dict[str, float]:
    """Weights of a pairwise logistic model (RankNet's loss on a linear score), pulled
    towards ``prior`` by an L2 term worth ``strength`` queries: with a handful of outcomes the
    hand-set recipe barely moves, with hundreds the data decide, and a signal the data never
    vary keeps its hand-set weight instead of falling to 0. ``frozen`` features keep the
    prior's weight."""
    from scipy.optimize import minimize

    free = [n for n in names if n not in frozen]
    fixed = [n for n in names if n in frozen]
    diffs, weights = pair_matrix(groups, free)
    offset = pair_matrix(groups, fixed)[0] @ np.array(
        [prior.weights.get(n, 0.0) for n in fixed]) if fixed else 0.0
    w0 = np.array([prior.weights.get(n, 0.0) for n in free])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = diffs @ w + offset
        value = float(weights @ np.logaddexp(0.0, -margin))
        grad = -(diffs.T @ (weights * _sigmoid(-margin)))
        gap = w - w0
        return value + strength / 2 * float(gap @ gap), grad + strength * gap

    fitted = dict(zip(free, (float(v) for v in minimize(loss, w0, jac=True,
                                                        method="L-BFGS-B").x), strict=True))
    return {n: fitted[n] if n in fitted else prior.weights.get(n, 0.0) for n in names}


def learn(groups: Sequence[Group], names: Sequence[str], strength: float,
          prior: Ranker = HAND_SET, frozen: Sequence[str] = ()) -> Ranker:
    """The shipped recipe's model: fitted weights in relevance units, zeros dropped."""
    weights = in_relevance_units(fit_pairwise(groups, names, prior, strength, frozen))
    return Ranker({n: w for n, w in weights.items() if abs(w) > 1e-6})


def balanced(*sets: Sequence[Group]) -> list[Group]:
    """Every set weighs the same in the loss, whatever its number of queries; together they
    weigh their number of queries (what the prior's strength is measured against)."""
    sets = tuple(s for s in sets if s)
    mean = sum(len(s) for s in sets) / max(len(sets), 1)
    return [Group(g.table, g.labels, mean / len(groups)) for groups in sets for g in groups]


def figures(ranker: Ranker, groups: Sequence[Group]) -> dict[str, float]:
    """Mean ranking figures of a ranker over groups (a query whose relevant documents are not
    candidates scores 0, as in the product)."""
    rows = []
    for group in groups:
        scores = ranker.scores(group.table)
        ranked = [i for _, i in sorted(zip(-scores, group.table.ids, strict=True))]
        rows.append(all_metrics(ranked, {k: int(v) for k, v in group.labels.items()}))
    names = rows[0].keys() if rows else ()
    return {f: round(sum(r[f] for r in rows) / len(rows), 4) for f in names}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def in_relevance_units(weights: Mapping[str, float], unit: str = "fused") -> dict[str, float]:
    """Weights divided by the text relevance's, so that a score reads as relevance (the
    order is unchanged; consortium fits rescale scores on that unit)."""
    scale = weights.get(unit, 0.0)
    if scale <= 0:
        return dict(weights)
    return {n: w / scale for n, w in weights.items()}
