"""Evidence behind the search's relevance floor: BM25 hits and dense cosines of real and
nonsense queries, on a matching dataset (BEIR layout, e.g. the DEV set) and, with --demo,
on the app's database (the demo). See docs/matching.md, « Search is its own kind of query ».

    .venv/bin/python scripts/search_floor.py /work/shared/bench/dev [--demo]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.api import Matcher  # noqa: E402
from matching.dataset import load_dataset  # noqa: E402

NONSENSE = ["xyzzy", "qsdfghjk", "azertyuiop", "blablabla", "zzzz", "lorem ipsum dolor",
            "foo bar baz", "wxcvbn", "kkkkkk", "plop", "asdf", "hjkl mlkj", "trucmuche",
            "glorbix fnord", "aaaa bbbb", "xkcd", "qwerty", "ploum ploum", "zorglub", "bidule"]
EVERYDAY = ["réemploi", "traiteur bio", "nettoyage de locaux", "reemploi", "menuiserie",
            "vélo cargo", "livraison", "insertion", "épicerie solidaire", "formation numérique",
            "espaces verts", "recyclerie", "jardinage", "entretien des espaces verts", "repas",
            "ressourcerie", "plombier", "couturière", "dépannage informatique",
            "garde d'enfants", "déménagement", "peinture", "aide à domicile", "bricolage",
            "électricien", "photocopieur", "comptabilité", "vêtements", "logement",
            "rénovation énergétique"]


def evidence(matcher: Matcher, text: str) -> tuple[int, float, float]:
    """(BM25 hits, best cosine, best cosine minus the median of the top 100)."""
    sparse = matcher.sparse_hits(text, lambda _: True)
    cosines = [score for _, score in matcher.dense_hits(text, lambda _: True, 100)]
    return len(sparse), cosines[0], cosines[0] - statistics.median(cosines)


def report(matcher: Matcher, label: str, texts: list[str], detail: bool = True) -> None:
    rows = [evidence(matcher, text) for text in texts]
    with_hits = sum(1 for hits, _, _ in rows if hits)
    print(f"{label}: {len(rows)} queries, {with_hits} with BM25 hits; best cosine "
          f"{min(r[1] for r in rows):.3f}–{max(r[1] for r in rows):.3f}, margin over the "
          f"median {min(r[2] for r in rows):.3f}–{max(r[2] for r in rows):.3f}")
    for text, (hits, top, margin) in zip(texts, rows, strict=True):
        if detail and not hits:
            print(f"    no BM25 hit: {text[:50]!r} (best {top:.3f}, margin {margin:.3f})")


def demo_matcher() -> Matcher:
    from app import create_app
    from app.extensions import db
    from app.infra.index_holder import current_index

    with create_app().app_context(), current_index().suppliers.using(db.session) as matcher:
        return matcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--demo", action="store_true", help="also the app's database")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    dev = Matcher().fit(data.profiles)
    report(dev, "dataset nonsense", NONSENSE, detail=False)
    report(dev, "dataset needs", [need.full_text for need in data.needs])
    if args.demo:
        demo = demo_matcher()
        report(demo, "demo nonsense", NONSENSE, detail=False)
        report(demo, "demo everyday", EVERYDAY)


if __name__ == "__main__":
    main()
