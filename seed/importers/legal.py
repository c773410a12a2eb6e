"""Map what sources say about a structure's legal status to Essaim's legal forms and kinds.

SIAE kinds (Marché de l'inclusion: EI, ACI, ETTI, AI, EITI, GEIQ, EA, EATT, ESAT) come first:
they decide the SIAE and EA/ESAT flags (apply_data derives the flags from the legal form).
Otherwise an INSEE catégorie juridique code or a plain label (SARL, SCOP, association…) is used.
"""

from matching.text import fold

STRUCTURE_KINDS = {
    "EI": "ei", "ACI": "aci", "ETTI": "etti", "AI": "ai", "EITI": "eiti", "GEIQ": "geiq",
    "EA": "ea", "EATT": "ea", "ESAT": "esat",
}
# INSEE catégories juridiques (niveau III), by exact code then by leading digits.
INSEE_CODES = {
    "5458": "scop", "5558": "scop", "5658": "scop", "9220": "association",
    "9221": "association", "9222": "association", "9230": "association",
    "9260": "association", "8210": "mutuelle", "9300": "fondation", "1000": "ei_individuelle",
    "7210": "commune", "7343": "epci", "7344": "epci", "7346": "epci", "7348": "epci",
    "5710": "sas", "5720": "sas", "5499": "sarl", "5498": "sarl",
}
INSEE_PREFIXES = {"54": "sarl", "55": "sa", "56": "sa", "92": "association",
                  "73": "etablissement_public", "74": "etablissement_public",
                  "41": "etablissement_public"}
COOPERATIVE_CODES = {"5459", "5460", "5559", "5560", "5659", "5660", "6317", "6560"}
LABELS = {
    "ASSOCIATION": "association", "SCOP": "scop", "SCIC": "scic", "SAS": "sas", "SASU": "sas",
    "SARL": "sarl", "EURL": "sarl", "SA": "sa", "MUTUELLE": "mutuelle", "FONDATION": "fondation",
    "COOPERATIVE": "cooperative",
}
FAMILY_KINDS = {"ess": "ess", "siae": "ess", "handicap": "ess", "company": "company",
                "public": "public_buyer"}


def legal_form_code(structure_kind: str = "", legal_form: str = "") -> str | None:
    """Essaim's legal form code, or None when the source says nothing usable."""
    kind = STRUCTURE_KINDS.get((structure_kind or "").strip().upper())
    return kind or _from_legal_form((legal_form or "").strip())


def _from_legal_form(text: str) -> str | None:
    if text.isdigit() and len(text) == 4:
        if text in COOPERATIVE_CODES:
            return "cooperative"
        return INSEE_CODES.get(text) or INSEE_PREFIXES.get(text[:2])
    return LABELS.get(fold(text).upper().replace(" ", ""))


def kind_for(family: str | None, default: str = "ess") -> str:
    """Organisation kind implied by a legal form's family."""
    return FAMILY_KINDS.get(family or "", default)


COMMUNE_WORDS = ("VILLE ", "COMMUNE ", "MAIRIE ")
GROUPING_WORDS = ("COMMUNAUTE", "AGGLOMERATION", "METROPOLE", "SYNDICAT")


def public_legal_form(siret: str, name: str) -> str | None:
    """A buyer's legal form from its name and SIREN (21… communes, 24…/25… groupings, 2…
    other public bodies; communes nouvelles have 200… SIRENs, hence the name first)."""
    folded = fold(name or "").upper()
    if "HABITAT" in folded or "LOGEMENT" in folded:
        return "bailleur_social"
    if folded.startswith(COMMUNE_WORDS) or siret.startswith("21"):
        return "commune"
    if siret.startswith(("24", "25")) or (
            siret.startswith("2") and any(word in folded for word in GROUPING_WORDS)):
        return "epci"
    return "etablissement_public" if siret.startswith("2") else None
