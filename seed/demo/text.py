"""Small French text helpers: elision of place names, sentence composition, slugs."""

import re
import unicodedata
from random import Random

VOWELS = "AEIOUYÉÈÊÎÔÂ"


def de(name: str) -> str:
    """'de Nantes', "d'Indre", 'du Pellerin', 'des Sorinières'."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in VOWELS:
        return "d'" + name
    return "de " + name


def a(name: str) -> str:
    """'à Nantes', 'au Pellerin', 'aux Sorinières'."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def commune_values(name: str) -> dict[str, str]:
    """Placeholders for a commune name in every grammatical position the catalogue uses."""
    return {"commune": name, "de_commune": de(name), "a_commune": a(name),
            "A_commune": capitalise(a(name))}


def pick_some(rng: Random, sentences: list[str], low: int, high: int) -> list[str]:
    """Between low and high sentences, in random order."""
    count = min(len(sentences), rng.randint(low, high))
    return rng.sample(sentences, count)


def maybe(rng: Random, sentences: list[str], probability: float) -> list[str]:
    return [rng.choice(sentences)] if sentences and rng.random() < probability else []


def fill(sentences: list[str], values: dict) -> str:
    return " ".join(capitalise(sentence.format(**values)) for sentence in sentences)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]
