"""Filters of the free-text search, as a predicate over profiles."""

from __future__ import annotations

from collections.abc import Callable

from matching.geo import france_communes
from matching.types import Profile, SearchFilters


def filters_location(filters: SearchFilters) -> tuple[float | None, float | None]:
    """The search's centre: explicit coordinates, else the commune's centroid."""
    if filters.lat is not None and filters.lon is not None:
        return filters.lat, filters.lon
    commune = france_communes().lookup(filters.commune)
    return (commune.lat, commune.lon) if commune else (None, None)


def filter_predicate(filters: SearchFilters) -> Callable[[Profile], bool]:
    """True for profiles that pass every filter set (the radius is applied by the ranker)."""
    def keep(p: Profile) -> bool:
        return ((not filters.filieres or bool(filters.filieres & p.filieres))
                and (not filters.kinds or p.kind in filters.kinds)
                and (not filters.siae or p.siae)
                and (not filters.ea_esat or p.ea_esat)
                and (not filters.esus or p.esus))
    return keep
