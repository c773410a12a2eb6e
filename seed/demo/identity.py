"""Deterministic identity details of a demo organisation: SIRET, address, contact, coordinates."""

import hashlib
from random import Random

from models.validators import with_luhn_key
from seed.demo.specs import Place
from seed.demo.text import slug

JITTER_DEGREES = 0.012  # about 1 km: organisations of a commune do not all sit on its centroid


def siret_for(seed: int, key: str, taken: set[str]) -> str:
    """A Luhn-valid SIRET derived from the organisation's key, so it survives catalogue edits.

    SIRENs start with 9 to stay clear of La Poste's special SIREN; collisions are re-hashed.
    """
    attempt = 0
    while True:
        digest = hashlib.sha256(f"{seed}:{key}:{attempt}".encode()).hexdigest()
        siret = with_luhn_key(f"9{int(digest, 16) % 10**8:08d}0001")
        if siret not in taken:
            taken.add(siret)
            return siret
        attempt += 1


def address(rng: Random, streets: list[str], place: Place) -> str:
    number, street = rng.randint(1, 120), rng.choice(streets)
    return f"{number} {street}, {rng.choice(place.postcodes)} {place.name}"


def coordinates(rng: Random, place: Place) -> tuple[float, float]:
    lat = place.lat + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES)
    lon = place.lon + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES)
    return round(lat, 5), round(lon, 5)


def phone(rng: Random) -> str:
    digits = [f"{rng.randint(0, 99):02d}" for _ in range(4)]
    return "02 " + " ".join(digits)


def contact(name: str, key: str) -> tuple[str, str]:
    """Website and e-mail on example.org (reserved for documentation, never a real domain)."""
    domain = f"{slug(name) or slug(key)}.example.org"
    return f"https://{domain}", f"contact@{domain}"
