"""Short French explanations of a suggestion, built from its score components."""

from __future__ import annotations

from matching.complement import adjacency
from matching.rank import filiere_match
from matching.text import fold
from matching.thesaurus import CONCEPT_PREFIX, concept_label
from matching.types import PARTNER_NEEDS, Need, Profile, SearchQuery

FILIERE_LABELS = {
    "eco-construction": "éco-construction",
    "energie-citoyenne": "énergie citoyenne",
    "reemploi": "réemploi",
    "alimentation": "alimentation",
    "numerique-responsable": "numérique responsable",
    "sante": "santé",
    "habitat-inclusif": "habitat inclusif",
    "logistique-urbaine": "logistique urbaine",
    "mobilite-inclusive": "mobilité inclusive",
    "culture-citoyennete": "culture et citoyenneté",
}
MAX_TERMS = 3
MAX_EVIDENCE = 3  # lines of public-contract evidence, in ``matching.evidence.SIGNALS`` order
# Words any tender or profile may share without saying anything about the trade (the IDF
# floor of ``Matcher.explain_idf`` removes the frequent ones; these slip through on small sets).
STOP_WORDS = frozenset(fold(w) for w in (
    "économique", "économie", "activité", "activités", "réservé", "réservés", "réservée",
    "réservées", "deux", "trois", "loi", "aci", "article", "marché", "marchés", "lot", "lots",
    "prestation", "prestations", "structure", "structures", "service", "services",
    "entreprise", "entreprises", "insertion", "emploi", "besoin", "besoins", "cadre",
    "accord", "accord-cadre", "fourniture", "fournitures", "année", "années", "ans", "mise",
    "œuvre", "oeuvre", "ensemble", "type", "types", "divers", "diverses", "relatif",
    "relative", "relatifs", "relatives", "concernant", "commune", "ville", "nantes",
))
DUPLICATE_NOTE = 0.5


def filiere_label(filiere: str) -> str:
    return FILIERE_LABELS.get(filiere, filiere.replace("-", " "))


def _why(wanted: frozenset[str], offered: str) -> str:
    """The value-chain reason linking a sought filière to the candidate's, if any."""
    chain = adjacency()
    return next((chain[frozenset((w, offered))] for w in sorted(wanted)
                 if frozenset((w, offered)) in chain), "")


def _filiere_part(profile: Profile, need: Need | SearchQuery) -> str | None:
    match, filiere = filiere_match(profile, need)
    if filiere is None:
        return None
    if isinstance(need, Need) and need.type in PARTNER_NEEDS:
        return _brings_part(profile, need)
    if match >= 1:
        return f"même filière : {filiere_label(filiere)}"
    why = _why(need.filieres, filiere)
    return f"filière complémentaire : {filiere_label(filiere)}" + (f" ({why})" if why else "")


def _brings_part(profile: Profile, need: Need) -> str | None:
    """What a partner brings: its own filières that the request seeks or that neighbour it
    on the value chain (a partner is never said to share a filière the requester lacks)."""
    brought = sorted(f for f in profile.filieres
                     if f in need.filieres or _why(need.filieres, f))
    if not brought:
        return None
    why = next((w for w in (_why(need.filieres, f) for f in brought) if w), "")
    labels = ", ".join(filiere_label(f) for f in brought)
    return f"apporte : {labels}" + (f" ({why})" if why else "")


def _place_part(profile: Profile, comps: dict[str, float]) -> str | None:
    dist = comps.get("distance_km")
    where = f"{dist:.0f} km" if dist is not None else None
    if profile.in_metropole is False:
        return f"{where} · hors métropole" if where else "hors métropole"
    return where


def _flags_part(profile: Profile) -> list[str]:
    flags = [("SIAE", profile.siae), ("EA/ESAT", profile.ea_esat), ("ESUS", profile.esus)]
    return [label for label, on in flags if on]


def _terms_part(terms: list[str]) -> str | None:
    themes = [concept_label(t) for t in terms if t.startswith(CONCEPT_PREFIX)]
    # Numbers and units (« 15 », « km ») are shared by accident, not by trade: not a reason.
    plain = [t for t in terms if not t.startswith(CONCEPT_PREFIX)
             and not any(c.isdigit() for c in t) and len(t) > 2 and fold(t) not in STOP_WORDS]
    chosen = (plain[:MAX_TERMS] + [f"thème {t}" for t in themes])[: MAX_TERMS + 1]
    return "termes communs : " + ", ".join(chosen) if chosen else None


def explain(profile: Profile, need: Need | SearchQuery, comps: dict[str, float],
            terms: list[str], evidence: list[str] | None = None) -> str:
    """« même filière : réemploi · 4 km · SIAE · termes communs : mobilier, collecte ·
    déjà titulaire chez cet acheteur : 3 marchés depuis 2018 »."""
    parts = [_filiere_part(profile, need), _place_part(profile, comps), *_flags_part(profile),
             _terms_part(terms), *(evidence or [])[:MAX_EVIDENCE]]
    if comps.get("duplicate", 0.0) >= DUPLICATE_NOTE:
        parts.append("activité proche de la vôtre")
    text = " · ".join(p for p in parts if p)
    return text or "proximité de sens avec la demande"
