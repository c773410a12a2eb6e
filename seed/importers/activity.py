"""An organisation's activity from its NAF code: the INSEE label (data/naf_rev2_fr.csv) and
the roadmap's filières (matching.sectors)."""

from functools import lru_cache

from matching.sectors import filieres_for_naf, normalise_naf
from models.reference_data import read_csv


@lru_cache(maxsize=1)
def naf_labels() -> dict[str, str]:
    """Compact NAF sub-class (« 5621Z ») → INSEE label."""
    return {row["code_naf_compact"]: row["libelle"] for row in read_csv("naf_rev2_fr.csv")}


def activity_text(naf: str, fallback_label: str = "") -> str:
    """« Activité principale (NAF 5621Z) : Services des traiteurs. », or "" without a code."""
    code = normalise_naf(naf)
    if not code:
        return ""
    label = (naf_labels().get(code) or fallback_label).rstrip(". ")
    return f"Activité principale (NAF {code}) : {label}." if label else f"Code NAF {code}."


def activity_filieres(naf: str) -> list[str]:
    return sorted(filieres_for_naf(naf))
