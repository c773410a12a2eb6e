"""Pure checks shared by models, forms and importers."""

import re
import unicodedata

from models.base import ValidationError

SIRET_RE = re.compile(r"[0-9]{14}", re.ASCII)
SIREN_LENGTH = 9
LA_POSTE_SIREN = "356000000"
CONTROL_CHARACTER_ERROR = (
    "Caractères de contrôle interdits (retour à la ligne, tabulation, caractère nul…)."
)


def nfkc(value: str | None) -> str:
    """Compatibility form: fullwidth digits, ligatures and odd spaces become their plain form."""
    return unicodedata.normalize("NFKC", value or "")


def has_control_characters(value: str) -> bool:
    """True when a character of Unicode category C* (control, format, unassigned...) is present."""
    return any(unicodedata.category(char).startswith("C") for char in value)


def normalise_siret(value: str | None) -> str:
    """NFKC, then strip the spaces, dots and dashes people type inside a SIRET."""
    return re.sub(r"[\s.\-]", "", nfkc(value))


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def siret_error(value: str | None) -> str | None:
    """French error message for an invalid SIRET, or None when it is valid.

    Only ASCII digits count (after NFKC), so that one SIRET has one spelling. La Poste's
    establishments (SIREN 356000000) follow a different checksum: digit sum % 5.
    """
    siret = normalise_siret(value)
    if not SIRET_RE.fullmatch(siret):
        return "Le SIRET doit comporter exactement 14 chiffres."
    if siret[:SIREN_LENGTH] == "0" * SIREN_LENGTH:
        return "Ce SIRET n'existe pas (SIREN nul)."
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret)
    return None if valid else "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."


def clean_text(value: str | None) -> str:
    """A one-line identifier (name, e-mail) in NFKC, stripped; ValueError on control characters."""
    text = nfkc(value).strip()
    if has_control_characters(text):
        raise ValueError(CONTROL_CHARACTER_ERROR)
    return text


def normalise_email(value: str | None) -> str:
    """The one stored spelling of an e-mail: NFKC, stripped, lower-cased."""
    return clean_text(value).lower()


def clean_identifier(field: str, value: str | None) -> str:
    """Model hook: the normalised name or e-mail, or a French ValidationError on that field."""
    try:
        return normalise_email(value) if field == "email" else clean_text(value)
    except ValueError as error:
        raise ValidationError(str(error), field) from error


def with_luhn_key(prefix13: str) -> str:
    """Complete 13 digits into a Luhn-valid 14-digit SIRET (used by demo and test data)."""
    for key in "0123456789":
        if luhn_valid(prefix13 + key):
            return prefix13 + key
    raise AssertionError("unreachable: one key digit always exists")


def too_long(what: str, value: str, limit: int) -> str:
    """« Le titre fait 236 caractères pour 200 au plus : retirez-en 36. » (never cut silently)"""
    length = len(value or "")
    return (f"{what} fait {length:,} caractères pour {limit:,} au plus : retirez-en "
            f"{length - limit:,}.".replace(",", "\u202f"))
