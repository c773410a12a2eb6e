"""Complementarity for partnerships: value-chain adjacency and near-duplicate detection.

A partnership request wants someone who does what the requester does not: a recyclerie looks
for a repair café, not for another recyclerie. Two signals, both explainable:
- ``adjacency()``: filière pairs that work together along a value chain (data file);
- ``identity()`` + ``duplicate_score()``: what the requester *is* (its title, or the opening
  noun phrase of its request) compared with what a candidate *is* (its title and first
  sentence), weighted by term rarity so that « association » says little and « recyclerie » much.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from matching.text import tokens

DATA = Path(__file__).resolve().parent / "data"
IDENTITY_WORDS = 6
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+")
_SELF_CUE = re.compile(r",\s*(?:nous|je|on)\b|\b(?:nous|je)\s+(?:cherch|recherch|souhait|voul)",
                       re.IGNORECASE)
_OWN = re.compile(r"^\s*(?:notre|nos|mon|ma|mes)\s+", re.IGNORECASE)


@lru_cache(maxsize=1)
def adjacency() -> dict[frozenset[str], str]:
    """Adjacent filière pairs → French reason, from ``data/value_chain_fr.tsv``."""
    pairs: dict[frozenset[str], str] = {}
    with open(DATA / "value_chain_fr.tsv", encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                a, b, why = line.rstrip("\n").split("\t")
                pairs[frozenset((a, b))] = why
    return pairs


def identity(request_text: str) -> str:
    """What the requester is, read from the opening of its request.

    « Épicerie solidaire de Vertou, nous voulons… » → « Épicerie solidaire de Vertou »;
    « Notre recyclerie couëronnaise reçoit… » → « recyclerie couëronnaise reçoit… » (first
    words). A request that does not open on the requester (« La Ville cherche… ») yields
    its first words too, which rarely match a candidate's own description.
    """
    first = _SENTENCE.split(request_text.strip(), maxsplit=1)[0]
    cue = _SELF_CUE.search(first)
    if cue and cue.start() > 0 and not _OWN.match(first):
        return first[: cue.start()]
    return " ".join(_OWN.sub("", first).split()[:IDENTITY_WORDS])


def apposition(request_text: str) -> str | None:
    """The opening « X, nous … » noun phrase naming the requester, if the request has one."""
    first = _SENTENCE.split(request_text.strip(), maxsplit=1)[0]
    cue = _SELF_CUE.search(first)
    if cue and cue.start() > 0 and not _OWN.match(first) and first[cue.start()] == ",":
        return first[: cue.start()]
    return None


def focus(request_text: str, full_text: str) -> str:
    """The request without its opening self-description: what is sought, not who seeks."""
    lead = apposition(request_text)
    if lead is None or not full_text.startswith(request_text):
        return full_text
    return full_text[len(lead):].lstrip(" ,")


def self_description(title: str, text: str) -> str:
    """What a candidate is: its title and first sentence."""
    return f"{title}. {_SENTENCE.split(text.strip(), maxsplit=1)[0]}"


@lru_cache(maxsize=65536)
def token_set(text: str) -> frozenset[str]:
    """Tokens of a self-description, memoised: each candidate's is compared on every request."""
    return frozenset(tokens(text))


def duplicate_score(requester: str, candidate: str, idf: Callable[[str], float]) -> float:
    """Share (0..1, rarity-weighted) of the requester's identity found in the candidate's."""
    wanted = token_set(requester)
    if not wanted:
        return 0.0
    have = token_set(candidate)
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in wanted & have) / total if total else 0.0
