"""The free-text search: its query, its filters as a predicate, and its relevance floor."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matching.geo import france_communes
from matching.rank import within_reach
from matching.types import Profile, SearchFilters, SearchQuery


def filters_location(filters: SearchFilters) -> tuple[float | None, float | None]:
    """The search's centre: explicit coordinates, else the commune's centroid."""
    if filters.lat is not None and filters.lon is not None:
        return filters.lat, filters.lon
    commune = france_communes().lookup(filters.commune)
    return (commune.lat, commune.lon) if commune else (None, None)


def search_query(text: str, filters: SearchFilters) -> SearchQuery:
    """The query a search box sends: its text, filières and centre (radius only if placed)."""
    lat, lon = filters_location(filters)
    return SearchQuery(text=text, filieres=filters.filieres, lat=lat, lon=lon,
                       max_km=filters.max_km if lat is not None else None)


def filter_predicate(filters: SearchFilters) -> Callable[[Profile], bool]:
    """True for profiles that pass every filter set (the radius is applied by the ranker)."""
    def keep(p: Profile) -> bool:
        return ((not filters.filieres or bool(filters.filieres & p.filieres))
                and (not filters.kinds or p.kind in filters.kinds)
                and (not filters.siae or p.siae)
                and (not filters.ea_esat or p.ea_esat)
                and (not filters.esus or p.esus))
    return keep


def search_predicate(query: SearchQuery, filters: SearchFilters) -> Callable[[Profile], bool]:
    """Live profiles passing the filters and the radius: no requester, no reservation."""
    keep = filter_predicate(filters)
    return lambda p: p.active and keep(p) and within_reach(p, query)



def relevant(sparse: Sequence[tuple[str, float]]) -> bool:
    """The relevance floor: a search needs lexical evidence, one query term (or thesaurus
    concept) found in a candidate. Dense cosines cannot tell nonsense from a real word the
    corpus lacks: with e5 both top out at 0.79-0.84, with the same margin over the median of
    the top 100 (0.01-0.05); measured on the demo and the DEV set (docs/matching.md), where
    every real query but two absent trades has BM25 hits, and so do all 70 DEV queries."""
    return bool(sparse)
