"""Evaluate CPV suggestion on buyers never seen in training.

Usage: .venv/bin/python scripts/eval_cpv.py [--folds 3] [--seed 0] [--drop-damaged]

Rows are first de-duplicated on (folded subject, code) so one pair never sits on both sides,
then split by buyer (GroupShuffleSplit on SIRET, else name). Accuracy@k at a level means: one
of the first k suggested 8-digit codes has the right division (2 digits) / group (3 digits).
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.cpv import CpvSuggester, DecpExample, load_cpv_labels, load_decp_examples  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LEVELS = {"division": 2, "group": 3, "code": 8}
# Query-time settings applied to one fitted model; "knn" is the neighbour vote alone.
STRATEGIES = {
    "knn": {"group_weight": 0.0, "division_weight": 0.0, "max_per_group": 99},
    "blend, 2 codes per group": {"max_per_group": 2},
    "blend (default: 1 code per group)": {},
}


def hits(predicted: list[list[str]], truth: list[str]) -> Counter[str]:
    """Count, per level and k in (1, 5), the rows whose truth is among the first k predictions."""
    counts: Counter[str] = Counter()
    for codes, true in zip(predicted, truth, strict=True):
        for level, size in LEVELS.items():
            prefixes = [c[:size] for c in codes]
            counts[f"{level}@1"] += prefixes[:1] == [true[:size]]
            counts[f"{level}@5"] += true[:size] in prefixes[:5]
    return counts


def majority_hits(train: list[DecpExample], test: list[DecpExample]) -> Counter[str]:
    """Baseline: always propose the most frequent divisions / groups of the training buyers."""
    counts: Counter[str] = Counter()
    for level in ("division", "group"):
        size = LEVELS[level]
        top = [p for p, _ in Counter(e.code[:size] for e in train).most_common(5)]
        for example in test:
            counts[f"{level}@1"] += example.code[:size] == top[0]
            counts[f"{level}@5"] += example.code[:size] in top
    return counts


def evaluate_fold(labels, train, test, drop_damaged: bool) -> dict[str, Counter[str]]:
    """Fit on the training buyers, score every strategy on clean and damaged test rows."""
    fit_rows = [e for e in train if not (drop_damaged and e.damaged)]
    started = time.perf_counter()
    model = CpvSuggester(labels).fit([e.text for e in fit_rows], [e.code for e in fit_rows])
    print(f"  fit on {len(fit_rows)} subjects + {len(labels)} labels: "
          f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
    results = {}
    for subset, rows in (("clean", [e for e in test if not e.damaged]),
                         ("damaged", [e for e in test if e.damaged])):
        results[f"majority|{subset}"] = majority_hits(train, rows)
        for name, params in STRATEGIES.items():
            variant = copy.copy(model)
            vars(variant).update(params)
            suggestions = variant.suggest_many([e.text for e in rows], k=5)
            predicted = [[s.code for s in row] for row in suggestions]
            results[f"{name}|{subset}"] = hits(predicted, [e.code for e in rows])
        results[f"n|{subset}"] = Counter(n=len(rows))
    return results


def print_table(totals: dict[str, Counter[str]]) -> None:
    """Markdown table: one row per strategy and test subset."""
    columns = [f"{level}@{k}" for level in LEVELS for k in (1, 5)]
    print("| strategy | test rows | n | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    for subset in ("clean", "damaged", "all"):
        n = totals[f"n|{subset}"]["n"]
        for name in ("majority", *STRATEGIES):
            counts = totals[f"{name}|{subset}"]
            cells = [f"{counts[c] / n:.3f}" if c in counts else "–" for c in columns]
            print(f"| {name} | {subset} | {n} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--drop-damaged", action="store_true",
                        help="train without the subjects whose accents were lost (U+FFFD)")
    args = parser.parse_args()
    labels, examples = load_cpv_labels(DATA_DIR), load_decp_examples(DATA_DIR)
    splitter = GroupShuffleSplit(args.folds, test_size=args.test_size, random_state=args.seed)
    totals: dict[str, Counter[str]] = {}
    buyers = [e.buyer for e in examples]
    for fold, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(examples)),
                                                                groups=buyers)):
        print(f"fold {fold}", file=sys.stderr)
        train = [examples[i] for i in train_idx]
        test = [examples[i] for i in test_idx]
        for key, counts in evaluate_fold(labels, train, test, args.drop_damaged).items():
            totals.setdefault(key, Counter()).update(counts)
            totals.setdefault(key.split("|")[0] + "|all", Counter()).update(counts)
    print(f"{len(examples)} de-duplicated DECP subjects, {len(set(buyers))} buyers, "
          f"{args.folds} buyer splits (seed {args.seed}, test {args.test_size:.0%})")
    print_table(totals)


if __name__ == "__main__":
    main()
