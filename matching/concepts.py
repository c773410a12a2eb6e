"""Any text mapped onto the CPV nomenclature: a few weighted CPV groups per text.

Buyers, organisations and the marketplace's users name the same trade with different words
(« tonte des pelouses », « entretien d'espaces verts », « élagage »). A hand-written
thesaurus bridges the words its authors thought of; the public nomenclature bridges them by
construction: every CPV group gathers the official labels of one trade, and public buyers
have coded their contracts' subjects with it. So each CPV group (3 digits, 317 of them) gets
a centroid over stemmed words (``matching.text.tokens``, which reads the U+FFFD of the DECP's
lost accents as « e ») from

- its codes' French labels (CPV 2008, ``data/cpv2008_fr_en.csv``, 9,454 labels), and
- the subjects of DECP contracts coded in it (``data/decp/``), only those notified before
  ``DECP_CUTOFF`` and not won by an SIAE of the Marché de l'inclusion file (issue #10's rule:
  no benchmark query was notified before it, and the SIAE benchmark is never learned from).

A text's vector is its best ``TOP`` groups by cosine with the centroids (those above
``FLOOR``), L2-normalised; a need and a profile are close when their vectors are
(``similarity``). A NAF code adds its labels' vector (``naf_vector``): an organisation known
only by its trade still has one. No word list is written by hand, none for a benchmark's sake.

Cost: the centroids are fitted once per process (about two seconds, no file shipped); a
profile's vector is computed at indexing (``vectors``: chunked sparse products, 100k DECP
profiles in 3.6 s), a need's once per query (``vector``: 0.06 ms).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from matching.evidence import cpv_labels, naf_labels
from matching.text import tokens

DATA = Path(__file__).resolve().parent.parent / "data"
DECP_FILE = DATA / "decp" / "decp_2018_2019_flat.csv"
SIAE_FILE = DATA / "suppliers" / "siae_lemarche_fixture.csv"
DECP_CUTOFF = "2018-12-01"
GROUP_DIGITS = 3
TOP = 10
FLOOR = 0.05
CHUNK = 2048  # texts per sparse product when vectorising many

Vector = Mapping[str, float]  # CPV group (3 digits) → weight, L2 norm 1


def decp_examples(cutoff: str = DECP_CUTOFF, decp_file: Path = DECP_FILE,
                  siae_file: Path = SIAE_FILE) -> Iterator[tuple[str, str]]:
    """(subject, CPV code) of the DECP contracts allowed for learning: valid code, notified
    before ``cutoff`` (undated rows excluded: they may be later), no SIAE of the Marché de
    l'inclusion file among the holders, no test row."""
    if not Path(decp_file).is_file():
        return
    with open(siae_file, encoding="utf-8", newline="") as handle:
        siae = {row["siren"] for row in csv.DictReader(handle) if row["siren"]}
    with open(decp_file, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day = row["date_notification"][:10]
            holders = {h.strip()[:9] for h in row["titulaires_siret"].split("|")}
            if (row["cpv_valid"] == "1" and row["looks_like_test"] != "1"
                    and "2000" <= day < cutoff and not holders & siae and row["objet"].strip()):
                yield row["objet"], row["cpv8"]


class CpvConcepts:
    """Centroids of the CPV groups over stemmed words; texts → sparse group vectors."""

    def __init__(self, examples: Iterable[tuple[str, str]] = (), top: int = TOP,
                 floor: float = FLOOR, digits: int = GROUP_DIGITS) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self.top, self.floor = top, floor
        docs = [(label, code) for code, label in cpv_labels().items()] + list(examples)
        groups = [code[:digits] for _, code in docs]
        self.groups = sorted(set(groups))
        self.column = column = {g: j for j, g in enumerate(self.groups)}
        fitted = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        words = normalize(fitted.fit_transform([text for text, _ in docs]))
        member = sparse.csr_matrix((np.ones(len(docs)), ([column[g] for g in groups],
                                                         np.arange(len(docs)))),
                                   shape=(len(self.groups), len(docs)))
        self.vocabulary: dict[str, int] = fitted.vocabulary_
        self.idf = fitted.idf_.astype(np.float32)
        # word → group weights, dense (a few thousand words × 317 groups: about 7 MB)
        self.centroids = np.asarray(normalize(member @ words).T.todense(), dtype=np.float32)

    def _words(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows (sublinear tf, L2 norm 1) of texts over the fitted vocabulary."""
        rows, cols, vals = [], [], []
        for row, text in enumerate(texts):
            counts = Counter(self.vocabulary[t] for t in tokens(text) if t in self.vocabulary)
            rows += [row] * len(counts)
            cols += counts.keys()
            vals += counts.values()
        matrix = sparse.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)),
                                   shape=(len(texts), len(self.vocabulary)))
        matrix.data = (1 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Group vectors of many texts (one row each, ``top`` groups at most, L2 norm 1)."""
        blocks = [sparse.csr_matrix(self._kept(self._words(texts[i:i + CHUNK]) @ self.centroids))
                  for i in range(0, len(texts), CHUNK)]
        if not blocks:
            return sparse.csr_matrix((0, len(self.groups)), dtype=np.float32)
        matrix = sparse.vstack(blocks).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return (sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix).tocsr()

    def _kept(self, sims: np.ndarray) -> np.ndarray:
        """Each row's best ``top`` values at or above ``floor``, the rest 0."""
        if sims.shape[-1] > self.top:
            cut = np.partition(sims, -self.top, axis=-1)[..., -self.top, None]
            sims = np.where(sims >= cut, sims, 0.0)
        return np.where(sims >= self.floor, sims, 0.0)

    def vectors(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """``matrix`` as one {group: weight} per text."""
        rows = self.matrix(texts)
        return [{self.groups[j]: float(v) for j, v in zip(
            rows.indices[rows.indptr[i]:rows.indptr[i + 1]],
            rows.data[rows.indptr[i]:rows.indptr[i + 1]], strict=True)}
            for i in range(rows.shape[0])]

    def vector(self, text: str) -> dict[str, float]:
        """One text's vector without building sparse matrices (a query's path)."""
        counts = Counter(self.vocabulary[t] for t in tokens(text) if t in self.vocabulary)
        if not counts:
            return {}
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32,
                                          count=len(counts)))) * self.idf[cols]
        sims = self._kept((weights / np.linalg.norm(weights)) @ self.centroids[cols])
        kept = np.flatnonzero(sims)
        norm = float(np.linalg.norm(sims[kept])) or 1.0
        return {self.groups[j]: float(sims[j]) / norm for j in kept}


def combine(*vectors: Vector) -> dict[str, float]:
    """Sum of vectors, L2-normalised (e.g. a profile's text and its NAF code's labels)."""
    total: dict[str, float] = {}
    for vector in vectors:
        for group, weight in vector.items():
            total[group] = total.get(group, 0.0) + weight
    norm = float(np.sqrt(sum(w * w for w in total.values()))) or 1.0
    return {g: w / norm for g, w in total.items()}


def similarity(a: Vector, b: Vector) -> float:
    """Cosine of two group vectors (both L2-normalised)."""
    if len(b) < len(a):
        a, b = b, a
    return float(sum(w * b.get(g, 0.0) for g, w in a.items()))


class ConceptIndex:
    """The CPV vectors of indexed profiles (text plus NAF labels), kept at ``upsert``."""

    def __init__(self, model: CpvConcepts | None = None) -> None:
        self._model = model
        self.vectors: dict[str, dict[str, float]] = {}

    @property
    def model(self) -> CpvConcepts:
        if self._model is None:
            self._model = default_concepts()
        return self._model

    def upsert(self, ids: Sequence[str], texts: Sequence[str],
               nafs: Sequence[str | None]) -> None:
        for doc_id, vector, naf in zip(ids, self.model.vectors(texts), nafs, strict=True):
            trade = self.naf_vector(naf)
            self.vectors[doc_id] = combine(vector, trade) if trade else vector

    def remove(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            self.vectors.pop(doc_id, None)

    def naf_vector(self, code: str | None) -> dict[str, float]:
        """A NAF code's labels in CPV space (an organisation known by its trade alone)."""
        return _naf_vector(self.model, (code or "").replace(".", "").upper())

    def query(self, text: str) -> dict[str, float]:
        return self.model.vector(text)

    def similarity(self, query: Vector, doc_id: str) -> float:
        vector = self.vectors.get(doc_id)
        return similarity(query, vector) if query and vector else 0.0


@lru_cache(maxsize=1024)
def _naf_vector(model: CpvConcepts, code: str) -> dict[str, float]:
    label = naf_labels(levels=2).get(code)  # the sub-class and its class
    return model.vector(label) if label else {}


@lru_cache(maxsize=1)
def default_concepts() -> CpvConcepts:
    """The shipped model: CPV labels plus the DECP subjects allowed for learning."""
    return CpvConcepts(decp_examples())
