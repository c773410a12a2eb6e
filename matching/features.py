"""One feature table per query: every signal of every candidate computed once, by name.

The forward pipeline is candidates → ``feature_table`` → ranker (``matching.ranker``) →
explanation (``matching.explain``), and the three read the same named values. ``FEATURES``
gives each its French label and how its value reads (« Détail du score »); a signal a model
does not know is still shown, a model's feature that a set lacks counts 0.

Text signals: ``sparse`` (BM25 with the thesaurus, raw), ``sparse_rel`` (divided by the best
BM25 of the query), ``dense`` (cosine), ``fused`` (CombSUM of the two, 0..1, the text
relevance). Structured: ``filiere``, ``distance_km`` → ``proximity`` (e^(−km/15), the
metropolis' scale) and ``nearness`` (``evidence.proximity_value``, logarithmic: 2 km and 500 km
still differ),
``outside_metropole``, ``social``, ``duplicate`` (share of the requester's identity),
``cpv_concept`` (closeness of the two texts' activities in CPV space, ``matching.concepts``).
Evidence signals (``matching.evidence``: past contracts, buyer familiarity, CPV history…) join
when the profiles carry references.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matching import evidence as ev
from matching.complement import token_set
from matching.concepts import ConceptIndex
from matching.evidence import evidence, lines, proximity_value
from matching.geo import distance_km
from matching.rank import filiere_match, fuse
from matching.types import Need, Profile, Reference, SearchQuery

Target = Need | SearchQuery
Hits = Sequence[tuple[str, float]]
PROXIMITY_KM = 15.0
SOCIAL_KINDS = frozenset({"ess", "network"})


def _number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _percent(value: float) -> str:
    return f"{round(100 * value)} %"


def _yes(value: float) -> str:
    return "oui" if value >= 0.5 else "non"


def _km(value: float) -> str:
    return f"{value:.0f} km" if value >= 1 else "moins de 1 km"


def _count(value: float) -> str:
    return f"{value:.0f}"


@dataclass(frozen=True)
class Feature:
    """How a named signal reads in « Détail du score »."""

    label: str
    fmt: Callable[[float], str] = _number


FEATURES: dict[str, Feature] = {
    "fused": Feature("Pertinence du texte (mots et sens)", _percent),
    "sparse": Feature("Mots en commun (score BM25)", lambda v: f"{v:.1f}".replace(".", ",")),
    "sparse_rel": Feature("Mots en commun, rapportés au meilleur résultat", _percent),
    "dense": Feature("Proximité de sens (similarité cosinus)", _percent),
    "filiere": Feature("Filière", lambda v: {1.0: "même filière", 0.5: "filière voisine"}
                       .get(v, "autre filière")),
    "distance_km": Feature("Distance", _km),
    "proximity": Feature("Bonus de proximité (échelle de la métropole)", _percent),
    "nearness": Feature("Proximité (de 2 à 500 km)", _percent),
    "outside_metropole": Feature("Hors métropole", _yes),
    "social": Feature("Structure de l'ESS", _yes),
    "public_resource": Feature("Collectivité ou bailleur public, pour une demande de ressources",
                               _yes),
    "duplicate": Feature("Ressemblance avec le demandeur", _percent),
    "cpv_concept": Feature("Activités proches dans la nomenclature CPV", _percent),
}


FEATURES.update({  # public-contract evidence (``matching.evidence``)
    "reference_text": Feature("Marchés passés au sujet proche (similarité)", _percent),
    "cpv_history": Feature("Marchés passés du même code CPV", lambda v: {
        1.0: "même catégorie", 0.75: "même classe", 0.5: "même groupe", 0.25: "même division"}
        .get(v, _percent(v))),
    "buyer_familiarity": Feature("Déjà titulaire chez cet acheteur",
                                 lambda v: f"{round(v / (1 - v)) if v < 1 else 1:.0f} marché(s)"),
    "recency": Feature("Marché public récent (1 = ce mois-ci)", _percent),
    "same_departement": Feature("Implanté dans le département d'exécution", _yes),
    "worked_in_departement": Feature("Marchés déjà exécutés dans ce département",
                                     lambda v: f"{round(v / (1 - v)) if v < 1 else 1:.0f}"),
    "naf_cpv": Feature("Activité (NAF) proche de l'objet (CPV)", _percent),
})


def label(name: str) -> str:
    feature = FEATURES.get(name)
    return feature.label if feature else name.replace("_", " ")


def readable(name: str, value: float) -> str:
    feature = FEATURES.get(name)
    return feature.fmt(value) if feature else _number(value)


def score_details(components: Mapping[str, float]) -> list[tuple[str, str]]:
    """(French label, readable value) of every component, in ``FEATURES`` order."""
    order = {name: i for i, name in enumerate(FEATURES)}
    names = sorted(components, key=lambda n: (order.get(n, len(order)), n))
    return [(label(n), readable(n, float(components[n]))) for n in names]


@dataclass
class FeatureTable:
    """Candidates of one query (ids) and their named signals (one dict per candidate)."""

    ids: list[str]
    rows: list[dict[str, float]] = field(default_factory=list)

    def matrix(self, names: Sequence[str]) -> np.ndarray:
        """Values of ``names`` per candidate (a missing signal counts 0)."""
        return np.array([[row.get(n, 0.0) for n in names] for row in self.rows],
                        dtype=np.float64).reshape(len(self.rows), len(names))


def structured(profile: Profile, target: Target) -> dict[str, float]:
    """Filière, distance and locality signals of a candidate."""
    comps = {"filiere": filiere_match(profile, target)[0]}
    dist = distance_km(target.lat, target.lon, profile.lat, profile.lon)
    if dist is not None:
        comps["distance_km"] = round(dist, 1)
        comps["proximity"] = math.exp(-dist / PROXIMITY_KM)
        comps["nearness"] = proximity_value(dist)
    comps["outside_metropole"] = 1.0 if profile.in_metropole is False else 0.0
    comps["social"] = 1.0 if profile.kind in SOCIAL_KINDS or profile.esus else 0.0
    if getattr(target, "type", None) == "resource" and profile.kind == "public_buyer":
        comps["public_resource"] = 1.0  # premises and roofs are mostly public (``rank``)
    return comps


def text_signals(sparse: Hits, dense: Hits, fusion: str) -> dict[str, dict[str, float]]:
    """Per-candidate text signals of the retrievers' pools, keyed by signal name."""
    best = max((s for _, s in sparse), default=0.0) or 1.0
    return {"sparse": dict(sparse), "sparse_rel": {i: s / best for i, s in sparse},
            "dense": dict(dense), "fused": fuse([sparse, dense], fusion)}


Signal = Callable[[Profile, Target], Mapping[str, float]]


def feature_table(profiles: Mapping[str, Profile], target: Target, sparse: Hits, dense: Hits,
                  *, fusion: str = "combsum", extra: Sequence[Signal] = (),
                  more: Hits = ()) -> FeatureTable:
    """Every candidate of the pools (already filtered by the hard constraints), every signal;
    ``more`` adds candidates found otherwise (by place, by past contracts: their text signals
    are absent, 0)."""
    text = text_signals(sparse, dense, fusion)
    ids = list(dict.fromkeys([*text["fused"], *(doc_id for doc_id, _ in more)]))
    rows = []
    for doc_id in ids:
        profile = profiles[doc_id]
        row = {name: float(values[doc_id]) for name, values in text.items() if doc_id in values}
        row.update(structured(profile, target))
        for signal in extra:
            row.update(signal(profile, target))
        rows.append(row)
    return FeatureTable(ids, rows)


# Evidence signals of ``matching.evidence`` read per candidate (``reference_text`` is scored once
# per query; its ``proximity`` is ``nearness`` here, computed with the distance).
PER_CANDIDATE = (ev.cpv_history, ev.buyer_familiarity, ev.recency, ev.same_departement,
                 ev.worked_in_departement, ev.naf_cpv)


def contract_evidence(need: Need, batch: Mapping[str, float]) -> Signal:
    """Public-contract evidence (``matching.evidence``) as a feature signal: ``batch`` is the
    past subjects' similarity, computed once for every profile (``ReferenceText.scores``); the
    other signals are read per candidate (none for a profile with no references, no NAF code
    and no département: they would all be 0)."""

    def signal(profile: Profile, _: Target) -> dict[str, float]:
        if not (profile.references or profile.naf or profile.departement):
            return {}
        row = {f.__name__: f(need, profile).value for f in PER_CANDIDATE}
        row = {name: value for name, value in row.items() if value}
        if batch.get(profile.id):
            row["reference_text"] = batch[profile.id]
        return row
    return signal


def cpv_concept(concepts: ConceptIndex, query: Mapping[str, float]) -> Signal:
    """Closeness of the target's and the candidate's activities in CPV space
    (``matching.concepts``): ``query`` is the target's vector, computed once per query, the
    profiles' at indexing. Bridges words the texts do not share (« tonte » and « espaces
    verts »)."""

    def signal(profile: Profile, _: Target) -> dict[str, float]:
        value = concepts.similarity(query, profile.id)
        return {"cpv_concept": round(value, 4)} if value > 0 else {}
    return signal


def evidence_lines(need: Need, profile: Profile, row: Mapping[str, float]) -> list[str]:
    """French lines of a shown candidate's evidence, from the values already in its feature
    row: its past contract closest to the need (by shared words: cheap enough for every shown
    suggestion), then the other signals' lines."""
    if not profile.references and not profile.naf:
        return []
    signals = evidence(need, profile)
    signals.pop("proximity", None)  # the place is said once, by the explanation's distance
    if "distance_km" in row:  # … and the département only when no distance is known
        signals.pop("same_departement", None)
    closest = closest_reference(need, profile) if row.get("reference_text") else None
    return ([ev.reference_line(closest)] if closest else []) + lines(signals)


def closest_reference(need: Need, profile: Profile) -> Reference | None:
    """The past contract sharing the most distinct words with the need (None if none does)."""
    wanted = token_set(need.full_text)
    scored = [(len(wanted & token_set(r.objet)), -i, r)
              for i, r in enumerate(profile.references) if r.objet]
    best = max(scored, default=None, key=lambda item: item[:2])
    return best[2] if best and best[0] > 0 else None
