"""Sparse retrieval over French text: BM25 on stemmed words plus thesaurus concepts.

Documents are kept by id; ``upsert``/``remove`` only mark the model stale and the matrices are
rebuilt on the next query (tokens are cached per document, so a refit of a few thousand
profiles costs a sparse-matrix build, not a re-analysis).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import islice

import numpy as np
from scipy import sparse

from matching.text import tokens
from matching.thesaurus import Thesaurus, default_thesaurus

K1 = 1.2  # textbook BM25 constants (Robertson & Zaragoza), not tuned
B = 0.75

_LETTERS = re.compile(r"[^\W\d_]+")  # accented words as written, split at apostrophes
Analyzer = Callable[[str], list[str]]


def make_analyzer(thesaurus: Thesaurus | None = None) -> Analyzer:
    """Stemmed content words followed by the concept tokens they evoke."""
    thes = thesaurus if thesaurus is not None else default_thesaurus()
    return lambda text: thes.expand(tokens(text))


def plain_analyzer(text: str) -> list[str]:
    """Stemmed content words only (the no-thesaurus ablation)."""
    return tokens(text)


class BM25:
    """Okapi BM25 over an id-keyed document set, refitted lazily after changes."""

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer or make_analyzer()
        self._tokens: dict[str, list[str]] = {}
        self._surface: dict[str, Counter[str]] = {}
        self._stale = True
        self.ids: list[str] = []

    def upsert(self, ids: Iterable[str], texts: Iterable[str]) -> None:
        for doc_id, text in zip(ids, texts, strict=True):
            self._tokens[doc_id] = self.analyzer(text)
            self._remember_surface(text)
        self._stale = True

    def remove(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            self._tokens.pop(doc_id, None)
        self._stale = True

    def __len__(self) -> int:
        return len(self._tokens)

    def _remember_surface(self, text: str) -> None:
        for word in _LETTERS.findall(text.lower()):
            for tok in tokens(word):
                self._surface.setdefault(tok, Counter())[word] += 1

    def surface(self, token: str) -> str:
        """The most frequent original word behind a stem, for explanations."""
        counts = self._surface.get(token)
        return counts.most_common(1)[0][0] if counts else token

    def _refit(self) -> None:
        self.ids = list(self._tokens)
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for row, doc_id in enumerate(self.ids):
            for term, count in Counter(self._tokens[doc_id]).items():
                rows.append(row)
                cols.append(vocab.setdefault(term, len(vocab)))
                vals.append(count)
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.ids), len(vocab)),
                               dtype=np.float64)
        # Column-major: a query reads only its own terms' columns, not every posting.
        self._vocab, self._weights = vocab, _bm25_weights(tf).tocsc()
        self._idf = _idf(tf)
        self._row = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self._stale = False

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every document (aligned with ``self.ids``) for a query text."""
        if self._stale:
            self._refit()
        columns = sorted({self._vocab[t] for t in self.analyzer(text) if t in self._vocab})
        if not columns:
            return np.zeros(len(self.ids))
        return np.asarray(self._weights[:, columns].sum(axis=1)).ravel()

    def rows(self, ids: Iterable[str]) -> np.ndarray:
        """Positions in ``self.ids`` (and in ``scores``) of the given documents."""
        if self._stale:
            self._refit()
        return np.fromiter((self._row[i] for i in ids), dtype=np.int64)

    def idf(self, token: str) -> float:
        """Rarity of a token in the corpus; an unseen token weighs 0 (it discriminates nothing)."""
        if self._stale:
            self._refit()
        col = self._vocab.get(token)
        return 0.0 if col is None else float(self._idf[col])

    def common_terms(self, text: str, doc_id: str) -> list[str]:
        """Query terms present in a document, most specific first (for explanations)."""
        if self._stale:
            self._refit()
        doc = set(self._tokens.get(doc_id, ()))
        shared = [t for t in _distinct_terms(self.analyzer, text) if t in doc]
        return sorted(shared, key=lambda t: -self._idf[self._vocab[t]])


@lru_cache(maxsize=256)
def _distinct_terms(analyzer: Analyzer, text: str) -> tuple[str, ...]:
    """A query's distinct terms, in order: explaining a search's 200 hits analysed the same
    query 200 times (a tenth of a search's CPU in the web profile)."""
    return tuple(dict.fromkeys(analyzer(text)))


def _bm25_weights(tf: sparse.csr_matrix) -> sparse.csr_matrix:
    """Per-(document, term) BM25 contributions, so that a query is one sparse product."""
    if tf.shape[0] == 0:
        return tf
    lengths = np.asarray(tf.sum(axis=1)).ravel()
    norm = K1 * (1 - B + B * lengths / max(lengths.mean(), 1e-9))
    idf = _idf(tf)
    weights = tf.tocoo()
    data = weights.data * (K1 + 1) / (weights.data + norm[weights.row]) * idf[weights.col]
    return sparse.csr_matrix((data, (weights.row, weights.col)), shape=tf.shape)


def _idf(tf: sparse.csr_matrix) -> np.ndarray:
    """BM25's smoothed inverse document frequency (always positive)."""
    df = np.diff(tf.tocsc().indptr)
    return np.log(1 + (tf.shape[0] - df + 0.5) / (df + 0.5))


def top_k(scores: np.ndarray, ids: Sequence[str], k: int,
          allowed: Callable[[str], bool] | None = None) -> list[tuple[str, float]]:
    """Best ``k`` (id, score) pairs with a positive score, optionally filtered.

    Only a shortlist is sorted (argpartition), widened while the filter rejects too many:
    sorting all 100k scores cost 8 ms a query."""
    positive = np.flatnonzero(scores > 0)
    width = max(4 * k, 64)
    while True:
        kept = (i for i in _best(scores, positive, width) if allowed is None or allowed(ids[i]))
        out = [(ids[i], float(scores[i])) for i in islice(kept, k)]
        if len(out) >= k or width >= len(positive):
            return out
        width *= 4


def _best(scores: np.ndarray, candidates: np.ndarray, width: int) -> np.ndarray:
    """The `width` best candidates, by score then position (a stable order)."""
    if width < len(candidates):
        candidates = candidates[np.argpartition(-scores[candidates], width - 1)[:width]]
    return candidates[np.lexsort((candidates, -scores[candidates]))]
