"""Evaluation CLI over a BEIR-layout folder: every retrieval method, overall and per hard case.

    python -m matching.evaluate DATASET_DIR [--methods filter,sparse,dense,hybrid] [--json]
                                [--encoder e5|sentence-transformers] [--model NAME]
                                [--ranker FILE]

Violations count top-10 results that break a hard constraint (eligibility, max_km, requester).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean

from matching.api import METHODS, Matcher
from matching.dataset import Dataset, load_dataset
from matching.metrics import all_metrics
from matching.rank import violations
from matching.ranker import read_ranker

K = 10
FIGURES = ("ndcg@10", "recall@10", "mrr@10", "p@5", "hit@1", "hit@5")


@dataclass
class MethodReport:
    method: str
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    violations: int = 0
    seconds: float = 0.0

    def mean(self, query_ids: Sequence[str] | None = None) -> dict[str, float]:
        ids = [q for q in (query_ids or self.per_query) if q in self.per_query]
        return {f: fmean(self.per_query[q][f] for q in ids) if ids else 0.0 for f in FIGURES}


def evaluate_method(matcher: Matcher, data: Dataset, method: str) -> MethodReport:
    """Run one method on every query that has relevance judgements."""
    report, start = MethodReport(method), time.perf_counter()
    for need in data.needs:
        if need.id not in data.qrels:
            continue
        ranked = [s.id for s in matcher.rank(need, method, K)]
        report.per_query[need.id] = all_metrics(ranked, data.qrels[need.id])
        report.violations += sum(1 for i in ranked if violations(matcher.profiles[i], need))
    report.seconds = time.perf_counter() - start
    return report


def tag_groups(data: Dataset) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for query_id, tags in data.tags.items():
        for tag in tags:
            groups.setdefault(tag, []).append(query_id)
    return dict(sorted(groups.items()))


def summary(report: MethodReport, data: Dataset) -> dict[str, object]:
    """One JSON-ready line per method: overall figures, violations and nDCG per tag."""
    line: dict[str, object] = {"method": report.method}
    line.update({f: round(v, 4) for f, v in report.mean().items()})
    line["violations"] = report.violations
    line["queries"] = len(report.per_query)
    line["tags"] = {tag: round(report.mean(ids)["ndcg@10"], 4)
                    for tag, ids in tag_groups(data).items()}
    line["seconds"] = round(report.seconds, 2)
    return line


def format_table(reports: list[MethodReport], data: Dataset) -> str:
    """Human-readable tables: methods × figures, then methods × hard-case tags (nDCG@10)."""
    head = f"{'method':<10}" + "".join(f"{f:>11}" for f in FIGURES) + f"{'violations':>12}"
    rows = [head] + [f"{r.method:<10}" + "".join(f"{v:>11.3f}" for v in r.mean().values())
                     + f"{r.violations:>12d}" for r in reports]
    groups = tag_groups(data)
    if groups:
        rows += ["", "nDCG@10 per hard-case tag (number of queries)",
                 f"{'tag':<22}" + "".join(f"{r.method:>10}" for r in reports)]
        rows += [f"{tag + f' ({len(ids)})':<22}"
                 + "".join(f"{r.mean(ids)['ndcg@10']:>10.3f}" for r in reports)
                 for tag, ids in groups.items()]
    return "\n".join(rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", help="folder with corpus.jsonl, queries.jsonl, qrels/")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated, among: {', '.join(METHODS)}")
    parser.add_argument("--json", action="store_true", help="one JSON object per method")
    parser.add_argument("--encoder", choices=["e5", "sentence-transformers"], default=None)
    parser.add_argument("--model", default=None, help="model name or path for the encoder")
    parser.add_argument("--ranker", default=None,
                        help="ranker file (default: the shipped matching/data/ranker.json)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        print(f"Méthodes inconnues : {', '.join(unknown)} (connues : {', '.join(METHODS)})",
              file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data = load_dataset(args.dataset)
    ranker = read_ranker(args.ranker) if args.ranker else None
    matcher = Matcher(_encoder(args), dense=any(m in ("dense", "hybrid") for m in methods),
                      ranker=ranker)
    start = time.perf_counter()
    matcher.fit(data.profiles)
    fit_seconds = time.perf_counter() - start
    reports = [evaluate_method(matcher, data, m) for m in methods]
    if args.json:
        for report in reports:
            print(json.dumps(summary(report, data), ensure_ascii=False))
    else:
        print(format_table(reports, data))
        print(f"\n{len(data.profiles)} documents, {len(data.needs)} requêtes ; indexation "
              f"{fit_seconds:.1f} s, classement {sum(r.seconds for r in reports):.1f} s")
    return 0


def _encoder(args: argparse.Namespace):
    if not (args.encoder or args.model):
        return None
    from matching.encoder import get_encoder

    return get_encoder(args.encoder, args.model)


if __name__ == "__main__":
    raise SystemExit(main())
