"""Filières proposed from a posting's text when the author chose none: alerts go to the
organisations of a posting's filières, so a posting without any alerts nobody. The text's
likely CPV codes (the engine's suggester) are mapped to filières (matching/sectors.py)."""

from pathlib import Path

from app.services.cpv_suggestions import clean_text, suggest_cpv
from matching.sectors import filieres_for_cpv

CPV_CONSIDERED = 10
RELATIVE_SCORE = 0.2  # a CPV guess far below the best one is noise


def suggest_filieres(title: str, description: str, instance_dir: Path | str) -> list[str]:
    """Filière ids for the text, most likely first (empty when the text says too little)."""
    text = clean_text(f"{title} {description}")
    if text is None:
        return []
    found: list[str] = []
    suggestions = suggest_cpv(text, instance_dir, CPV_CONSIDERED)
    for suggestion in suggestions:
        if suggestion.score < RELATIVE_SCORE * suggestions[0].score:
            continue
        for filiere in sorted(filieres_for_cpv(suggestion.code)):
            if filiere not in found:
                found.append(filiere)
    return found
