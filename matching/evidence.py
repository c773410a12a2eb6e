"""Evidence signals for a (need, profile) pair, each a named value with a French line.

What an organisation has already done for public buyers (``Profile.references``: DECP rows in
the benchmarks, ``Award`` rows in the product) and where it is, against what a tender asks
(``Need.cpv``, ``buyer``, ``departement``, ``date``, ``lat``/``lon``). Every signal is a pure
function returning a ``Signal``: ``value`` in 0..1 (0 = no evidence, a feature for the ranker)
and ``line``, the French sentence shown in explanations ("" when there is nothing to say).

    signals = evidence(need, profile, reference_text)   # {name: Signal}, names in SIGNALS

``ReferenceText`` is the one fitted piece (character 3-5-gram TF-IDF over each profile's past
contract subjects); fit it once per profile set. ``naf_cpv`` compares the official labels of
the two public nomenclatures (NAF rév. 2 and CPV 2008, shipped in ``data/``): DECP holders
carry no NAF code and SIAE contracts may not be learned from (issue #10), so the
compatibility is read from the nomenclatures' own words, not learned from contracts.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from matching.geo import distance_km
from matching.text import fold, tokens
from matching.types import Need, Profile, Reference

DATA = Path(__file__).resolve().parent.parent / "data"
SIGNALS = ("reference_text", "cpv_history", "buyer_familiarity", "recency", "proximity",
           "same_departement", "worked_in_departement", "naf_cpv")
CPV_LEVELS = ((5, 1.0, "la même catégorie"), (4, 0.75, "la même classe"),
              (3, 0.5, "le même groupe"), (2, 0.25, "la même division"))
NEAR_KM, FAR_KM = 2.0, 1000.0  # proximity: 1 on site, ≈0.89 at 2 km, ≈0.36 at 100 km, 0 at 1000
RECENCY_DAYS = 365.0
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


@dataclass(frozen=True)
class Signal:
    value: float = 0.0
    line: str = ""


NONE = Signal()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _siren(identifier: str | None) -> str:
    return (identifier or "").replace(" ", "")[:9]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


# -- what it has done -------------------------------------------------------------------------
def cpv_level(a: str | None, b: str | None) -> int:
    """Shared CPV digits that mean something: 2 division, 3 group, 4 class, 5 category."""
    if not a or not b or a[:2] != b[:2]:
        return 0
    shared = 0
    for x, y in zip(a[:5], b[:5], strict=False):
        if x != y:
            break
        shared += 1
    return shared


def cpv_history(need: Need, profile: Profile) -> Signal:
    """The closest CPV of a past contract to the tender's code (category > class > … )."""
    if not need.cpv:
        return NONE
    levels = [cpv_level(need.cpv, r.cpv) for r in profile.references]
    best = max(levels, default=0)
    for digits, value, words in CPV_LEVELS:
        if best >= digits:
            count = sum(1 for lv in levels if lv >= digits)
            label = cpv_label(need.cpv[:digits].ljust(8, "0"))
            what = f" ({label})" if label else ""
            return Signal(value, f"{_plural(count, 'marché')} passé{'s' if count > 1 else ''} "
                                 f"dans {words} CPV{what}")
    return NONE


def buyer_familiarity(need: Need, profile: Profile) -> Signal:
    """« déjà titulaire chez cet acheteur : 3 marchés depuis 2018 » (same SIREN)."""
    buyer = _siren(need.buyer)
    if not buyer:
        return NONE
    past = [r for r in profile.references if _siren(r.buyer) == buyer]
    if not past:
        return NONE
    years = sorted(d.year for d in (_date(r.date) for r in past) if d)
    since = f" depuis {years[0]}" if years else ""
    return Signal(len(past) / (len(past) + 1),
                  f"déjà titulaire chez cet acheteur : {_plural(len(past), 'marché')}{since}")


def recency(need: Need, profile: Profile, today: date | None = None) -> Signal:
    """How recently it won a public contract (before the tender's date): e^(−days/365)."""
    now = _date(need.date) or today or date.today()
    dates = [d for d in (_date(r.date) for r in profile.references) if d and d <= now]
    if not dates:
        return NONE
    last = max(dates)
    value = math.exp(-(now - last).days / RECENCY_DAYS)
    return Signal(round(value, 4), f"dernier marché public remporté : {_month(last)}")


# -- where it is ------------------------------------------------------------------------------
def proximity_value(km: float) -> float:
    """Logarithmic decay: sensible both inside a metropolis (2 vs 10 km) and across France
    (100 vs 500 km), unlike an exponential that is flat beyond a few scale lengths."""
    return max(0.0, 1.0 - math.log1p(km / NEAR_KM) / math.log1p(FAR_KM / NEAR_KM))


def proximity(need: Need, profile: Profile) -> Signal:
    km = distance_km(need.lat, need.lon, profile.lat, profile.lon)
    if km is None:
        return NONE
    where = "sur place" if km < 1 else f"à {km:.0f} km du lieu d'exécution"
    return Signal(round(proximity_value(km), 4), where)


CORSICA = frozenset({"20", "2A", "2B"})


def departement_key(code: str | None) -> str:
    """A département code as compared: « 2A », « 2B » and the former « 20 » are Corsica
    (DECP rows still write « 20 »), leading zeros as written (« 01 »)."""
    code = (code or "").strip().upper()
    return "20" if code in CORSICA else code


def same_departement(need: Need, profile: Profile) -> Signal:
    """Based in the département of execution (what is known when the place is only that)."""
    if need.departement and departement_key(profile.departement) == departement_key(
            need.departement):
        return Signal(1.0, f"implanté dans le département d'exécution ({need.departement})")
    return NONE


def worked_in_departement(need: Need, profile: Profile) -> Signal:
    """Past contracts executed in the tender's département."""
    if not need.departement:
        return NONE
    where = departement_key(need.departement)
    count = sum(1 for r in profile.references if departement_key(r.departement) == where)
    if not count:
        return NONE
    return Signal(count / (count + 1), f"{_plural(count, 'marché')} déjà "
                                       f"exécuté{'s' if count > 1 else ''} dans le "
                                       f"département {need.departement}")


# -- what its activity is ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def cpv_labels() -> dict[str, str]:
    with open(DATA / "cpv2008_fr_en.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label_fr"] for row in csv.DictReader(handle)}


def cpv_label(code: str | None) -> str:
    return cpv_labels().get((code or "")[:8], "") if code else ""


NAF_LEVELS = ("libelle", "classe_libelle", "groupe_libelle", "division_libelle")


@lru_cache(maxsize=len(NAF_LEVELS))
def naf_labels(levels: int = len(NAF_LEVELS)) -> dict[str, str]:
    """NAF sub-class (compact, 8130Z) → its label joined with its broader ones (class, group,
    division: the first ``levels`` of ``NAF_LEVELS``). The one reader of the NAF file."""
    with open(DATA / "naf_rev2_fr.csv", encoding="utf-8", newline="") as handle:
        return {row["code_naf_compact"]: " ; ".join(dict.fromkeys(
            row[level] for level in NAF_LEVELS[:levels])) for row in csv.DictReader(handle)}


def naf_label(code: str | None) -> str:
    rows = naf_labels()
    key = (code or "").replace(".", "").upper()
    return rows.get(key, "").split(" ; ")[0]


def _cpv_path(code: str) -> str:
    """A CPV code's label with its group's and division's labels (broader words)."""
    labels = cpv_labels()
    parts = [labels.get(code, "")] + [labels.get(code[:n].ljust(8, "0"), "") for n in (3, 2)]
    return " ; ".join(p for p in dict.fromkeys(parts) if p)


class _Nomenclatures:
    """TF-IDF (stemmed words) fitted on the NAF and CPV labels only: no contract data."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        naf = naf_labels()
        cpv = cpv_labels()
        self.vectoriser = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        self.vectoriser.fit(list(naf.values()) + list(cpv.values()))

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per process
    def vector(self, text: str):
        return self.vectoriser.transform([text])

    def similarity(self, naf: str, cpv: str) -> float:
        a, b = self.vector(naf_labels().get(naf, "")), self.vector(_cpv_path(cpv))
        return float((a @ b.T).toarray()[0, 0])


@lru_cache(maxsize=1)
def _nomenclatures() -> _Nomenclatures:
    return _Nomenclatures()


def naf_cpv(need: Need, profile: Profile) -> Signal:
    """Cosine of the NAF activity's labels and the tender CPV's labels (official words)."""
    naf = (profile.naf or "").replace(".", "").upper()
    if not naf or not need.cpv or naf not in naf_labels() or need.cpv[:8] not in cpv_labels():
        return NONE
    value = _nomenclatures().similarity(naf, need.cpv[:8])
    if value <= 0:
        return NONE
    return Signal(round(value, 4), f"activité « {naf_label(naf)} » ({naf}) proche de l'objet "
                                   f"« {cpv_label(need.cpv)} » (CPV {need.cpv[:8]})")


# -- past contract subjects as text -----------------------------------------------------------
class ReferenceText:
    """Character 3-5-gram TF-IDF over each profile's past contract subjects.

    Buyers write the same thing many ways (« TVX D ENTRETIEN », « travaux d'entretien »,
    truncated words, lost accents): character n-grams inside words match across them.
    """

    def __init__(self, max_subjects: int = 50) -> None:
        self.max_subjects = max_subjects
        self.ids: list[str] = []
        self._row: dict[str, int] = {}
        self._vectoriser = None
        self._matrix = None

    @staticmethod
    def subjects(profile: Profile, limit: int = 50) -> list[str]:
        return list(dict.fromkeys(r.objet for r in profile.references if r.objet))[:limit]

    def fit(self, profiles: Iterable[Profile]) -> ReferenceText:
        from sklearn.feature_extraction.text import TfidfVectorizer

        with_refs = [p for p in profiles if p.references]
        self.ids = [p.id for p in with_refs]
        self._row = {doc_id: i for i, doc_id in enumerate(self.ids)}
        texts = [" ; ".join(self.subjects(p, self.max_subjects)) for p in with_refs]
        if not texts:
            return self
        self._vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                           preprocessor=fold, sublinear_tf=True, min_df=1)
        self._matrix = self._vectoriser.fit_transform(texts)
        return self

    def scores(self, text: str) -> dict[str, float]:
        """Cosine of the text with every profile that has references (others are absent)."""
        if self._matrix is None or not text:
            return {}
        sims = (self._matrix @ self._vectoriser.transform([text]).T).toarray().ravel()
        return {self.ids[i]: float(sims[i]) for i in np.flatnonzero(sims)}

    def score(self, text: str, profile_id: str) -> float:
        row = self._row.get(profile_id)
        if row is None or self._matrix is None or not text:
            return 0.0
        return float((self._matrix[row] @ self._vectoriser.transform([text]).T).toarray()[0, 0])

    def best_reference(self, text: str, profile: Profile) -> Reference | None:
        """The past contract whose subject is closest to the text (for the explanation)."""
        refs = [r for r in profile.references if r.objet]
        if self._vectoriser is None or not refs or not text:
            return None
        sims = (self._vectoriser.transform([r.objet for r in refs])
                @ self._vectoriser.transform([text]).T).toarray().ravel()
        best = int(np.argmax(sims))
        return refs[best] if sims[best] > 0 else None

    def signal(self, need: Need, profile: Profile, value: float | None = None) -> Signal:
        value = self.score(need.full_text, profile.id) if value is None else value
        if value <= 0:
            return NONE
        ref = self.best_reference(need.full_text, profile)
        if ref is None:
            return Signal(round(value, 4))
        return Signal(round(value, 4), reference_line(ref))


def reference_line(ref: Reference, width: int = 90) -> str:
    """« a déjà réalisé « Tonte des pelouses… » pour Ville de Rezé (2018) »."""
    subject = ref.objet if len(ref.objet) <= width else ref.objet[: width - 1].rstrip() + "…"
    who = f" pour {ref.buyer_name}" if ref.buyer_name else ""
    day = _date(ref.date)
    return f"a déjà réalisé « {subject} »{who}{f' ({day.year})' if day else ''}"


def evidence(need: Need, profile: Profile, reference_text: ReferenceText | None = None,
             precomputed: Mapping[str, float] | None = None) -> dict[str, Signal]:
    """Every signal of ``SIGNALS`` for one pair; ``precomputed`` may give ``reference_text``
    values from a batch ``ReferenceText.scores`` call (the explanation line is then computed
    only for the pairs asked)."""
    signals = {
        "cpv_history": cpv_history(need, profile),
        "buyer_familiarity": buyer_familiarity(need, profile),
        "recency": recency(need, profile),
        "proximity": proximity(need, profile),
        "same_departement": same_departement(need, profile),
        "worked_in_departement": worked_in_departement(need, profile),
        "naf_cpv": naf_cpv(need, profile),
    }
    value = (precomputed or {}).get("reference_text")
    signals["reference_text"] = (reference_text.signal(need, profile, value)
                                 if reference_text is not None else NONE)
    return {name: signals[name] for name in SIGNALS}


def values(signals: Mapping[str, Signal]) -> dict[str, float]:
    """The feature row of a pair (name → value), as a ranker reads it."""
    return {name: signal.value for name, signal in signals.items()}


def lines(signals: Mapping[str, Signal]) -> list[str]:
    """The French explanation lines that have something to say, in ``SIGNALS`` order."""
    return [signal.line for signal in signals.values() if signal.line]
