"""Markers of the map as GeoJSON: organisations and open needs, with the directory's filters.

An organisation sits at its own coordinates when it has some, else at its commune's La Poste
centroid; a need sits at its commune's centroid. Markers without any coordinates are left out.
Filters are the directory's ones (`OrganisationFilters`) for organisations; for needs, the
keywords, the filière and the commune (legal form, type and labels describe organisations).
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.labels import KINDS
from app.services.directory import OrganisationFilters, organisations_statement
from app.services.postings import PostingFilters, postings_statement
from models import Commune, Organisation, Posting

LAYERS = ("organisations", "besoins")


def _ids(statement):
    """The ids an entity statement selects (its ordering and loader options dropped)."""
    return statement.with_only_columns(statement.column_descriptions[0]["entity"].id,
                                       maintain_column_froms=True).order_by(None)


def _feature(row, layer: str, url: str, detail: str | None = None) -> dict:
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
            "properties": {"layer": layer, "id": row.id, "name": row.name, "commune": row.commune,
                           "detail": row.detail if detail is None else detail, "url": url}}


def organisation_features(session: Session, filters: OrganisationFilters,
                          url_for_id) -> list[dict]:
    lat = func.coalesce(Organisation.lat, Commune.lat)
    lon = func.coalesce(Organisation.lon, Commune.lon)
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind.label("detail"),
               Commune.name.label("commune"), lat.label("lat"), lon.label("lon"))
        .join(Organisation.commune)
        .where(Organisation.id.in_(_ids(organisations_statement(session, filters))),
               lat.is_not(None), lon.is_not(None))
        .order_by(Organisation.id))
    return [_feature(row, "organisations", url_for_id(row.id), KINDS.get(row.detail, ""))
            for row in rows]


def need_features(session: Session, filters: OrganisationFilters, url_for_id,
                  today: date | None = None) -> list[dict]:
    wanted = PostingFilters(direction="need", q=filters.q, filiere=filters.filiere,
                            commune=filters.commune, open_only=True)
    rows = session.execute(
        select(Posting.id, Posting.title.label("name"), Organisation.name.label("detail"),
               Commune.name.label("commune"), Commune.lat.label("lat"), Commune.lon.label("lon"))
        .join(Posting.commune).join(Posting.organisation)
        .where(Posting.id.in_(_ids(postings_statement(wanted, today))),
               Commune.lat.is_not(None), Commune.lon.is_not(None))
        .order_by(Posting.id))
    return [_feature(row, "besoins", url_for_id(row.id)) for row in rows]


def markers(session: Session, filters: OrganisationFilters, layers: tuple[str, ...],
            organisation_url, need_url) -> dict:
    """A GeoJSON FeatureCollection of the chosen layers."""
    features = []
    if "organisations" in layers:
        features += organisation_features(session, filters, organisation_url)
    if "besoins" in layers:
        features += need_features(session, filters, need_url)
    return {"type": "FeatureCollection", "features": features}


def commune_points(session: Session) -> list[dict]:
    """The metropole's communes (name and centroid): the offline map's landmarks."""
    rows = session.execute(select(Commune.name, Commune.lat, Commune.lon)
                           .where(Commune.in_metropole.is_(True), Commune.lat.is_not(None))
                           .order_by(Commune.name))
    return [{"name": name, "lat": lat, "lon": lon} for name, lat, lon in rows]
