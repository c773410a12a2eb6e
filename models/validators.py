"""Pure checks shared by models, forms and importers."""

import re

SIRET_RE = re.compile(r"^\d{14}$")
LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    """Strip spaces and dots people type inside a SIRET."""
    return re.sub(r"[\s.\-]", "", value or "")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def siret_error(value: str) -> str | None:
    """French error message for an invalid SIRET, or None when it is valid.

    La Poste's establishments (SIREN 356000000) follow a different checksum: digit sum % 5.
    """
    siret = normalise_siret(value)
    if not SIRET_RE.match(siret):
        return "Le SIRET doit comporter exactement 14 chiffres."
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret)
    return None if valid else "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."


def with_luhn_key(prefix13: str) -> str:
    """Complete 13 digits into a Luhn-valid 14-digit SIRET (used by demo and test data)."""
    for key in "0123456789":
        if luhn_valid(prefix13 + key):
            return prefix13 + key
    raise AssertionError("unreachable: one key digit always exists")
