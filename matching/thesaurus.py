"""ESS vocabulary as data: phrases mapped to shared concept tokens.

A profile saying « recyclerie » and a need saying « seconde vie » both gain the token
``~reemploi``, so BM25 bridges the vocabulary gap without an embedding model. The table lives
in ``data/thesaurus_fr.tsv``; this module only loads it and finds its phrases in token lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matching.text import tokens

DATA = Path(__file__).resolve().parent / "data"
CONCEPT_PREFIX = "~"


@dataclass(frozen=True)
class Thesaurus:
    """Phrases (stemmed token tuples) grouped by their first token, for a linear scan."""

    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]

    def concepts(self, toks: Sequence[str]) -> list[str]:
        """Concept tokens found in a token list, once per concept and matching position."""
        found: list[str] = []
        for i, tok in enumerate(toks):
            seen: set[str] = set()
            for phrase, concept in self.phrases.get(tok, ()):
                if concept not in seen and tuple(toks[i : i + len(phrase)]) == phrase:
                    seen.add(concept)
                    found.append(CONCEPT_PREFIX + concept)
        return found

    def expand(self, toks: Sequence[str]) -> list[str]:
        """Tokens followed by the concepts they evoke."""
        return [*toks, *self.concepts(toks)]


def parse(lines: Iterable[str]) -> Thesaurus:
    """Build a thesaurus from ``concept<TAB>variant | variant`` lines (# comments allowed)."""
    grouped: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        concept, _, variants = line.rstrip("\n").partition("\t")
        for variant in variants.split("|"):
            phrase = tuple(tokens(variant))
            if phrase and (phrase, concept) not in grouped.get(phrase[0], []):
                grouped.setdefault(phrase[0], []).append((phrase, concept))
    return Thesaurus({k: tuple(v) for k, v in grouped.items()})


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    """The shipped French ESS thesaurus."""
    with open(DATA / "thesaurus_fr.tsv", encoding="utf-8") as handle:
        return parse(handle)


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Concept → its first variant, the accented French word shown to users."""
    labels = {}
    with open(DATA / "thesaurus_fr.tsv", encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                concept, _, variants = line.rstrip("\n").partition("\t")
                labels[concept] = variants.split("|")[0].strip()
    return labels


def concept_label(token: str) -> str:
    """Human label of a concept token (« ~reemploi » → « réemploi »)."""
    concept = token.removeprefix(CONCEPT_PREFIX)
    return _labels().get(concept) or concept.replace("-", " ")
