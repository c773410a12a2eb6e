"""The matching engine's public API: a ``Matcher`` holding profiles, BM25 and a vector index.

The product's ranking is one forward pipeline: candidates (BM25 and dense pools, the hard
constraints as filters) → one feature table (``matching.features``: every signal once, named)
→ the ranker (``matching.ranker``) → one entry per organisation, its best offer folded under
it → explanations read from the same features (``matching.explain``).

Retrieval methods are strategies in ``METHODS`` (name → function); the evaluation CLI lists
them. ``hybrid`` is the product's ranking; ``filter``, ``sparse`` and ``dense`` are baselines.
Every method applies the hard constraints (eligibility, max_km, requester) as filters.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING

import numpy as np

from matching.complement import (
    adjacency,
    duplicate_score,
    focus,
    identity,
    self_description,
)
from matching.concepts import ConceptIndex
from matching.evidence import ReferenceText, departement_key
from matching.explain import explain
from matching.features import (
    FeatureTable,
    Signal,
    contract_evidence,
    cpv_concept,
    evidence_lines,
    feature_table,
    structured,
)
from matching.filters import relevant, search_predicate, search_query
from matching.rank import RELEVANCE, allowed, filiere_match
from matching.ranker import Ranker, load_ranker
from matching.sparse import BM25, plain_analyzer, top_k
from matching.types import (
    PARTNER_NEEDS,
    REQUESTER_DESCRIBED,
    Need,
    Profile,
    Reference,
    SearchFilters,
    SearchQuery,
    Suggestion,
)

if TYPE_CHECKING:
    from matching.encoder import Encoder
    from matching.index import VectorIndex

POOL = 100  # candidates kept from each retriever before fusion
NEAR_POOL = 50  # and the nearest ones to the place of execution, whatever their text
EVIDENCE_POOL = 50  # and those whose past contracts are closest, or were for the same buyer
DEPARTEMENT_POOL = 100  # and those based in the département of execution (best words first)
EARTH_KM = 6371.0
SAME_ACTIVITY = 0.5  # share of the requester's identity above which a partner is a look-alike
# NAF codes that say « an association » or « a consultancy », not a trade: never « same activity »
GENERIC_NAF = frozenset({"9499Z", "9411Z", "9412Z", "9420Z", "9491Z", "9492Z", "8899B",
                         "8299Z", "7022Z", "8810A", "8810B", "8810C"})
Predicate = Callable[[str], bool]
Hits = list[tuple[str, float]]


class Matcher:
    """Suggests suppliers, partners and search results over a set of profiles."""

    def __init__(self, encoder: Encoder | None = None, *, dense: bool = True,
                 ranker: Ranker | None = None, fusion: str = "combsum") -> None:
        self._encoder = encoder
        self.use_dense = dense
        self.ranker = ranker or load_ranker()
        self.fusion = fusion
        self.profiles: dict[str, Profile] = {}
        self.sparse = BM25()
        self.concepts = ConceptIndex()
        self.index: VectorIndex | None = None
        self._plain: BM25 | None = None
        self._references: ReferenceText | None = None  # fitted on first use after a change
        self._places: tuple[list[str], np.ndarray] | None = None  # placed profiles (radians)
        # past contracts' buyer SIREN / CPV class → the profiles that won them
        self._histories: dict[str, dict[str, list[tuple[str, float]]]] | None = None
        # département → BM25 rows of the profiles based there
        self._departements: dict[str, np.ndarray] | None = None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            from matching.encoder import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    def fit(self, profiles: Iterable[Profile]) -> Matcher:
        """Index a fresh set of profiles (replaces any previous one)."""
        self.profiles, self.sparse, self.index = {}, BM25(self.sparse.analyzer), None
        self.concepts = ConceptIndex(self.concepts.model)
        self._forget_derived()
        self.upsert(profiles)
        return self

    def upsert(self, profiles: Iterable[Profile], vectors: np.ndarray | None = None) -> None:
        """Add or update profiles; ``vectors`` (one row per profile, e.g. read from a database
        where another process stored ``encode_profiles``) spares the encoding."""
        batch = list(profiles)
        if not batch:
            return
        if self.use_dense:  # checked and computed before any state changes
            vectors = (self.encode_profiles(batch) if vectors is None
                       else self._checked(vectors, len(batch)))
        ids, texts = [p.id for p in batch], [p.full_text for p in batch]
        self.profiles.update((p.id, p) for p in batch)
        self._forget_derived()
        self.sparse.upsert(ids, texts)
        self.concepts.upsert(ids, texts, [p.naf for p in batch])
        if self.use_dense:
            self._upsert_vectors(ids, vectors)

    def _forget_derived(self) -> None:
        """Drop what is derived from the profiles (rebuilt lazily on next use)."""
        self._plain = self._references = self._places = self._histories = None
        self._departements = None

    def _checked(self, vectors: np.ndarray, count: int) -> np.ndarray:
        matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        dim = self.index.dim if self.index is not None else matrix.shape[1]
        if matrix.shape != (count, dim):
            raise ValueError(f"{len(matrix)} vectors of dimension {matrix.shape[1]} for "
                             f"{count} profiles (dimension {dim} expected)")
        return matrix

    def encode_profiles(self, profiles: Iterable[Profile]) -> np.ndarray:
        """Passage vectors of profiles, as ``upsert`` computes them (one row each)."""
        return self.encoder.encode_passages([p.full_text for p in profiles])

    def encode_need(self, need: Need, *, partners: bool | None = None) -> np.ndarray:
        """The query vector the dense retriever computes for a need (store it at publication
        and pass it back as ``query_vector`` or ``Need.vector``: reads then encode nothing)."""
        partners = need.type in PARTNER_NEEDS if partners is None else partners
        return self.encoder.encode_queries([query_text(need, partners)])[0]

    def _upsert_vectors(self, ids: list[str], vectors: np.ndarray) -> None:
        from matching.index import VectorIndex

        if self.index is None:
            self.index = VectorIndex.build(ids, vectors)
        else:
            self.index.upsert(ids, vectors)

    def remove(self, ids: Iterable[str]) -> None:
        """Forget profiles (vector index entries are deleted, BM25 refits lazily)."""
        gone = [i for i in ids if i in self.profiles]
        for doc_id in gone:
            del self.profiles[doc_id]
        self._forget_derived()
        self.sparse.remove(gone)
        self.concepts.remove(gone)
        if self.index is not None:
            self.index.remove(gone)

    @property
    def plain_sparse(self) -> BM25:
        """BM25 without the thesaurus, built on first use (a baseline for the evaluation)."""
        if self._plain is None or len(self._plain) != len(self.profiles):
            self._plain = BM25(plain_analyzer)
            self._plain.upsert(list(self.profiles), [p.full_text for p in self.profiles.values()])
        return self._plain

    @property
    def references(self) -> ReferenceText:
        """Past contract subjects of the profiles (``matching.evidence``), fitted lazily."""
        if self._references is None:
            self._references = ReferenceText().fit(self.profiles.values())
        return self._references

    def near_hits(self, target: Need, ok: Predicate, n: int = NEAR_POOL) -> Hits:
        """The ``n`` allowed profiles nearest to the target's place, (id, km) nearest first:
        a local supplier whose text says little (a name and a NAF label) is still a candidate."""
        if target.lat is None or target.lon is None:
            return []
        if self._places is None:
            placed = [p for p in self.profiles.values() if p.lat is not None and p.lon is not None]
            self._places = ([p.id for p in placed],
                            np.radians(np.array([[p.lat, p.lon] for p in placed]).reshape(-1, 2)))
        ids, coords = self._places
        lat, lon = np.radians(target.lat), np.radians(target.lon)
        a = (np.sin((coords[:, 0] - lat) / 2) ** 2
             + np.cos(lat) * np.cos(coords[:, 0]) * np.sin((coords[:, 1] - lon) / 2) ** 2)
        km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        width = min(len(km), 4 * n + 64)  # sort a shortlist, all of it only if the filter
        while True:                       # rejects too many (100k profiles: 8 ms a sort)
            short = np.argpartition(km, width - 1)[:width] if width < len(km) else np.arange(
                len(km))
            short = short[np.lexsort((short, km[short]))]
            hits = [(ids[i], float(km[i])) for i in short if ok(ids[i])][:n]
            if len(hits) >= n or width >= len(km):
                return hits
            width = min(len(km), width * 4)

    def departement_hits(self, target: Need, scores: np.ndarray, ok: Predicate,
                         n: int = DEPARTEMENT_POOL) -> Hits:
        """Allowed profiles based in the département of execution, best BM25 first (``scores``:
        the need's, aligned with ``self.sparse.ids``): when the place is only a département
        (« 44 »), there is no distance to find local suppliers by. At 100k profiles of one
        département: one score vector sorted, ``ok`` read about ``n`` times."""
        if not target.departement:
            return []
        if self._departements is None:
            members: dict[str, list[str]] = {}
            for profile in self.profiles.values():
                if profile.departement:
                    members.setdefault(departement_key(profile.departement), []).append(profile.id)
            self._departements = {key: self.sparse.rows(sorted(ids))  # ties: by id
                                  for key, ids in members.items()}
        rows = self._departements.get(departement_key(target.departement), np.zeros(0, int))
        if len(rows) > n:
            rows = rows[np.argsort(-scores[rows], kind="stable")]
        ids = self.sparse.ids
        return list(islice(((ids[r], 1.0) for r in rows if ok(ids[r])), n))

    # -- retrievers -------------------------------------------------------------------
    def sparse_hits(self, text: str, ok: Predicate, n: int = POOL,
                    scores: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``n`` best allowed BM25 hits (``scores``: the text's, if already computed)."""
        scores = self.sparse.scores(text) if scores is None else scores
        return top_k(scores, self.sparse.ids, n, ok)

    def dense_hits(self, text: str, ok: Predicate, n: int = POOL,
                   vector: np.ndarray | None = None) -> list[tuple[str, float]]:
        if not self.use_dense or self.index is None or len(self.index) == 0:
            return []
        query = (self.encoder.encode_queries([text]) if vector is None
                 else np.atleast_2d(np.asarray(vector, dtype=np.float32)))
        depth = min(len(self.index), max(3 * n, 300))
        return [(i, s) for i, s in self.index.search(query, depth)[0] if ok(i)][:n]

    # -- public API -------------------------------------------------------------------
    def suggest_suppliers(self, need: Need, k: int = 10,
                          query_vector: np.ndarray | None = None) -> list[Suggestion]:
        """Organisations or offers able to answer a need, best first."""
        return self._for_need(need, k, False, query_vector)

    def suggest_partners(self, need_or_profile: Need | Profile, k: int = 10,
                         query_vector: np.ndarray | None = None) -> list[Suggestion]:
        """Complementary partners (not look-alikes) for a request or an organisation."""
        if isinstance(need_or_profile, Need):
            return self._for_need(need_or_profile, k, True, query_vector)
        # An organisation's partners: what it is is known (its profile), so look-alikes go.
        need = partner_need(need_or_profile)
        table = same_activity_removed(self.need_features(need, True, query_vector),
                                      self.profiles, need)
        return self._ranked(need, table, k)

    def search(self, text: str, filters: SearchFilters | None = None,
               k: int = 10) -> list[Suggestion]:
        """Free-text search with optional filters; nothing when the text is not evidenced."""
        filters = filters or SearchFilters()
        query = search_query(text, filters)
        ok = self.search_predicate(query, filters)
        sparse = self.sparse_hits(text, ok)
        if not relevant(sparse):  # nonsense is not even encoded
            return []
        return self._ranked(query, self.feature_table(query, sparse, self.dense_hits(text, ok)),
                            k)

    def rank(self, need: Need, method: str = "hybrid", k: int = 10) -> list[Suggestion]:
        """Rank with a named method from ``METHODS``."""
        return METHODS[method](self, need, k)

    # -- hybrid ranking ---------------------------------------------------------------
    def allowed_predicate(self, need: Need, extra: Predicate | None = None) -> Predicate:
        def ok(doc_id: str) -> bool:
            profile = self.profiles.get(doc_id)
            return (profile is not None and allowed(profile, need)
                    and (extra is None or extra(doc_id)))
        return ok

    def search_predicate(self, query: SearchQuery, filters: SearchFilters) -> Predicate:
        keep = search_predicate(query, filters)

        def ok(doc_id: str) -> bool:
            profile = self.profiles.get(doc_id)
            return profile is not None and keep(profile)
        return ok

    def need_features(self, need: Need, partners: bool | None = None,
                      vector: np.ndarray | None = None) -> FeatureTable:
        """The candidates of a need (hard constraints as filters) with every signal: what the
        ranker scores, and what ``scripts/train_ranker.py`` learns from."""
        partners = need.type in PARTNER_NEEDS if partners is None else partners
        ok = self.allowed_predicate(need)
        text = query_text(need, partners)
        vector = need.vector if vector is None else vector
        bm25 = self.sparse.scores(text)  # read by the text and the département candidates
        sparse = self.sparse_hits(text, ok, scores=bm25)
        dense = self.dense_hits(text, ok, vector=vector)
        described = partners or need.type in REQUESTER_DESCRIBED
        past = self.references.scores(need.full_text)
        more = [*self.near_hits(need, ok), *self.departement_hits(need, bm25, ok),
                *top_of(past, ok, EVIDENCE_POOL), *self.history_hits(need, ok)]
        return self.feature_table(need, sparse, dense, self._identity(need) if described else None,
                                  more=more, past=past, concept=self.concepts.query(text))

    def history_hits(self, need: Need, ok: Predicate, n: int = EVIDENCE_POOL) -> Hits:
        """Allowed profiles that already won contracts of the need's buyer, then those that won
        most contracts in its CPV class (most first, ``n`` of each)."""
        if self._histories is None:
            self._histories = {name: references_index(self.profiles.values(), key)
                               for name, key in HISTORY_KEYS.items()}
        hits: Hits = []
        for name, key in (("buyer", (need.buyer or "")[:9]), ("cpv", (need.cpv or "")[:4])):
            if len(key) >= 4:
                hits += [(i, c) for i, c in self._histories[name].get(key, ()) if ok(i)][:n]
        return hits

    def _for_need(self, need: Need, k: int, partners: bool,
                  vector: np.ndarray | None) -> list[Suggestion]:
        return self._ranked(need, self.need_features(need, partners, vector), k)

    def _ranked(self, target: Need | SearchQuery, table: FeatureTable,
                k: int) -> list[Suggestion]:
        scores = self.ranker.scores(table)
        order = sorted(range(len(table.ids)), key=lambda i: (-scores[i], table.ids[i]))
        kept = self._one_per_organisation([table.ids[i] for i in order])[:k]
        at = {doc_id: i for i, doc_id in enumerate(table.ids)}
        return [self._suggestion(doc_id, table.rows[at[doc_id]], scores[at[doc_id]], target)
                for doc_id in kept]

    def feature_table(self, target: Need | SearchQuery, sparse: Hits, dense: Hits,
                      me: str | None = None, more: Hits = (),
                      past: dict[str, float] | None = None,
                      concept: dict[str, float] | None = None) -> FeatureTable:
        """The candidates of both pools with every named signal (``matching.features``)."""
        extra: list[Signal] = []
        if me is not None:
            extra.append(lambda profile, _: {"duplicate": duplicate_score(
                me, self_description(profile.title, profile.text), self.sparse.idf)})
        if isinstance(target, Need):
            past = self.references.scores(target.full_text) if past is None else past
            extra.append(contract_evidence(target, past))
        concept = self.concepts.query(target.full_text) if concept is None else concept
        extra.append(cpv_concept(self.concepts, concept))
        return feature_table(self.profiles, target, sparse, dense, fusion=self.fusion,
                             extra=extra, more=more)

    def _one_per_organisation(self, ranked: list[str]) -> list[str]:
        """Best first, one entry per organisation: an offer stands for its owner (folded
        under it) when the owner is indexed too; whichever ranks higher is kept."""
        seen: set[str] = set()
        kept = []
        for doc_id in ranked:
            profile = self.profiles[doc_id]
            owner = profile.owner_id if profile.owner_id in self.profiles else None
            key = owner or doc_id
            if key not in seen:
                seen.add(key)
                kept.append(doc_id)
        return kept

    def _identity(self, need: Need) -> str:
        requester = self.profiles.get(need.requester_id or "")
        if requester is not None:
            return self_description(requester.title, requester.text)
        return identity(need.text)

    def _suggestion(self, doc_id: str, row: dict[str, float], score: float,
                    target: Need | SearchQuery) -> Suggestion:
        comps = {name: round(value, 4) for name, value in row.items()}
        suggestion = Suggestion(doc_id, round(float(score), 6), comps,
                                relevance=comps.get(RELEVANCE, 0.0))
        stems = self.sparse.common_terms(target.full_text, doc_id)
        terms = [t if t.startswith("~") else self.sparse.surface(t) for t in stems
                 if t.startswith("~") or self.sparse.idf(t) >= self.explain_idf]
        profile = self.profiles[doc_id]
        notes = (evidence_lines(target, profile, comps)
                 if isinstance(target, Need) else [])
        suggestion.explanation = explain(profile, target, comps, terms, notes)
        return suggestion

    @property
    def explain_idf(self) -> float:
        """Words shared by more than a tenth of the profiles (and more than 3) explain
        nothing: the IDF of such a word is the floor."""
        n, df = len(self.profiles), max(3.0, len(self.profiles) / 10)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


def same_activity_removed(table: FeatureTable, profiles: dict[str, Profile],
                          need: Need) -> FeatureTable:
    """A partner brings what the requester lacks: candidates doing the same activity (the
    requester's identity mostly found in theirs, or the requester's NAF code) are dropped."""
    requester = profiles.get(need.requester_id or "")
    naf = _naf(requester.naf) if requester is not None else None
    naf = None if naf in GENERIC_NAF else naf

    def same(doc_id: str, row: dict[str, float]) -> bool:
        return (row.get("duplicate", 0.0) >= SAME_ACTIVITY
                or (naf is not None and _naf(profiles[doc_id].naf) == naf))
    keep = [i for i, (d, r) in enumerate(zip(table.ids, table.rows, strict=True))
            if not same(d, r)]
    return FeatureTable([table.ids[i] for i in keep], [table.rows[i] for i in keep])


def top_of(scores: dict[str, float], ok: Predicate, n: int) -> Hits:
    """The ``n`` best allowed (id, score) pairs of a score map."""
    best = heapq.nsmallest(4 * n + 64, scores.items(), key=lambda item: (-item[1], item[0]))
    hits = [(i, s) for i, s in best if ok(i)][:n]
    if len(hits) < n and len(best) < len(scores):  # the filter rejected too many: all of them
        hits = heapq.nsmallest(n, ((i, s) for i, s in scores.items() if ok(i)),
                               key=lambda item: (-item[1], item[0]))
    return hits


# What a past contract is indexed by, to find the organisations with such contracts.
HISTORY_KEYS: dict[str, Callable[[Reference], str]] = {
    "buyer": lambda ref: (ref.buyer or "")[:9],  # the buyer's SIREN
    "cpv": lambda ref: (ref.cpv or "")[:4],  # the CPV class
}


def references_index(profiles: Iterable[Profile],
                     key: Callable[[Reference], str]) -> dict[str, list[tuple[str, float]]]:
    """Key of a past contract → (profile id, number of its contracts with that key), most
    first (a key shorter than 4 characters is no key)."""
    counts: dict[str, dict[str, int]] = {}
    for profile in profiles:
        for ref in profile.references:
            value = key(ref)
            if len(value) >= 4:
                won = counts.setdefault(value, {})
                won[profile.id] = won.get(profile.id, 0) + 1
    return {k: sorted(((i, float(c)) for i, c in won.items()), key=lambda x: (-x[1], x[0]))
            for k, won in counts.items()}


def _naf(code: str | None) -> str | None:
    return code.replace(".", "").upper() if code else None


def query_text(need: Need, partners: bool) -> str:
    """What is sought: a request that opens on who asks is read without that opening."""
    described = partners or need.type in REQUESTER_DESCRIBED
    return focus(need.text, need.full_text) if described else need.full_text


def partner_need(profile: Profile) -> Need:
    """A partnership request on behalf of an organisation: wants its value-chain neighbours."""
    neighbours = {f for pair in adjacency() if profile.filieres & pair for f in pair}
    return Need(id=f"partners:{profile.id}", text=profile.full_text, type="partnership",
                filieres=frozenset(neighbours - profile.filieres) or profile.filieres,
                lat=profile.lat, lon=profile.lon, requester_id=profile.id)


# -- retrieval methods (registry) ----------------------------------------------------------
def _hits_to_suggestions(hits: list[tuple[str, float]], key: str) -> list[Suggestion]:
    return [Suggestion(i, round(s, 6), {key: round(s, 4)}) for i, s in hits]


def method_filter(m: Matcher, need: Need, k: int) -> list[Suggestion]:
    """Directory-style baseline: organisations of the need's filière, nearest first."""
    ok = m.allowed_predicate(need)
    rows = []
    for doc_id, profile in m.profiles.items():
        if ok(doc_id) and filiere_match(profile, need)[0] >= 1:
            dist = structured(profile, need).get("distance_km", float("inf"))
            rows.append((dist, doc_id))
    rows.sort()
    return [Suggestion(i, -d, {"distance_km": d}) for d, i in rows[:k]]


def method_bm25(m: Matcher, need: Need, k: int) -> list[Suggestion]:
    """Plain BM25 on stemmed words (no thesaurus), hard constraints as filters."""
    scores = m.plain_sparse.scores(need.full_text)
    return _hits_to_suggestions(top_k(scores, m.plain_sparse.ids, k, m.allowed_predicate(need)),
                                "bm25")


def method_sparse(m: Matcher, need: Need, k: int) -> list[Suggestion]:
    """BM25 with the thesaurus, hard constraints as filters."""
    return _hits_to_suggestions(m.sparse_hits(need.full_text, m.allowed_predicate(need), k),
                                "sparse")


def method_dense(m: Matcher, need: Need, k: int) -> list[Suggestion]:
    """Dense cosine similarity, hard constraints as filters."""
    return _hits_to_suggestions(m.dense_hits(need.full_text, m.allowed_predicate(need), k),
                                "dense")


def method_hybrid(m: Matcher, need: Need, k: int) -> list[Suggestion]:
    """The product: partnership requests go to the partner logic, the rest to suppliers."""
    if need.type in PARTNER_NEEDS:
        return m.suggest_partners(need, k)
    return m.suggest_suppliers(need, k)


METHODS: dict[str, Callable[[Matcher, Need, int], list[Suggestion]]] = {
    "filter": method_filter,
    "bm25": method_bm25,
    "sparse": method_sparse,
    "dense": method_dense,
    "hybrid": method_hybrid,
}

__all__ = ["METHODS", "Matcher", "partner_need"]
