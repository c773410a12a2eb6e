"""Open-data exports: the directory as CSV (same filters as the directory page), one
organisation's own data as CSV (for its members), and the published needs as JSON.

CSV files use « ; » and a UTF-8 byte-order mark so that spreadsheets opened in French locales
read them as they are; headers are in French. docs/opendata.md documents every column and key.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.csvkit import to_csv
from app.labels import CLOSE_REASONS, DIRECTIONS, KINDS, POSTING_TYPES, RESERVED, STATUSES
from app.services.directory import OrganisationFilters, organisations_statement
from app.services.postings import open_on
from app.services.references import references_for
from models import Membership, Organisation, Posting

NEEDS_FORMAT_VERSION = 1


DIRECTORY_COLUMNS: list[tuple[str, Callable[[Organisation], object]]] = [
    ("Identifiant Essaim", lambda o: o.id),
    ("Nom", lambda o: o.name),
    ("SIRET", lambda o: o.siret),
    ("Type", lambda o: KINDS.get(o.kind, o.kind)),
    ("Forme juridique", lambda o: o.legal_form.label if o.legal_form else ""),
    ("Filières", lambda o: ", ".join(f.name for f in o.filieres)),
    ("Commune", lambda o: o.commune.name if o.commune else ""),
    ("Code INSEE", lambda o: o.commune_insee),
    ("Agrément ESUS", lambda o: o.esus),
    ("SIAE", lambda o: o.siae),
    ("EA / ESAT", lambda o: o.ea_esat),
    ("Implanté en QPV", lambda o: o.qpv),
    ("Code NAF", lambda o: o.naf_code),
    ("Site web", lambda o: o.website),
    ("Présentation", lambda o: o.description),
    ("Savoir-faire et capacités", lambda o: o.capacities),
    ("Source", lambda o: o.source),
]


# The postal address and its coordinates are contact details: profile pages show them only to
# people in touch, so the bulk export gives them to animators only (docs/opendata.md).
LOCATION_COLUMNS: list[tuple[str, Callable[[Organisation], object]]] = [
    ("Adresse", lambda o: o.address),
    ("Latitude", lambda o: o.lat),
    ("Longitude", lambda o: o.lon),
]


def directory_columns(animator: bool) -> list[tuple[str, Callable[[Organisation], object]]]:
    """The columns a viewer may read: public ones, plus the location for animators."""
    return DIRECTORY_COLUMNS + LOCATION_COLUMNS if animator else DIRECTORY_COLUMNS


def directory_csv(session: Session, filters: OrganisationFilters, animator: bool = False) -> str:
    """The directory's columns the viewer may read, for every organisation matching the filters."""
    columns = directory_columns(animator)
    organisations = session.scalars(organisations_statement(session, filters)).unique()
    return to_csv([name for name, _ in columns],
                  ([value(o) for _, value in columns] for o in organisations))


OWN_CSV_HEADER = ["Rubrique", "Identifiant", "Champ", "Valeur"]
PRIVATE_FIELDS: list[tuple[str, Callable[[Organisation], object]]] = [
    ("E-mail de contact", lambda o: o.email),
    ("Téléphone", lambda o: o.phone),
    ("Effectif", lambda o: o.headcount),
    ("ODD", lambda o: ", ".join(str(goal) for goal in o.sdg or [])),
    ("Fréquence des alertes", lambda o: o.alert_frequency),
    ("Filières des alertes", lambda o: ", ".join(o.alert_filieres or [])),
    ("Créée le", lambda o: o.created_at),
]


def _posting_fields(p: Posting) -> list[tuple[str, object]]:
    return [
        ("Titre", p.title), ("Sens", DIRECTIONS.get(p.direction)),
        ("Type", POSTING_TYPES.get(p.type)), ("Statut", STATUSES.get(p.status)),
        ("Motif de clôture", CLOSE_REASONS.get(p.close_reason or "", "")),
        ("Commune", p.commune.name), ("Date limite", p.deadline),
        ("Publiée le", p.published_at), ("Close le", p.closed_at),
        ("Budget minimum", p.budget_min), ("Budget maximum", p.budget_max),
        ("Marché réservé", RESERVED.get(p.reserved)),
        ("Filières", ", ".join(f.name for f in p.filieres)),
        ("Codes CPV", ", ".join(c.code for c in p.cpv_codes)), ("Description", p.description),
    ]


def organisation_rows(session: Session, organisation: Organisation) -> list[list]:
    """Long format: one (section, id, field, value) row per fact the organisation owns."""
    profile = directory_columns(animator=True) + PRIVATE_FIELDS
    rows = [["Organisation", organisation.id, name, value(organisation)]
            for name, value in profile]
    for m in session.scalars(select(Membership).where(
            Membership.organisation_id == organisation.id).order_by(Membership.id)):
        rows += [["Membre", m.id, name, value] for name, value in (
            ("Nom", m.user.name), ("E-mail", m.user.email), ("Rôle", m.role),
            ("Statut", m.status))]
    for p in session.scalars(select(Posting).where(Posting.organisation_id == organisation.id)
                             .order_by(Posting.id)):
        rows += [["Annonce", p.id, name, value] for name, value in _posting_fields(p)]
    for award in references_for(session, organisation, limit=1000):
        rows += [["Référence", award.id, name, value] for name, value in (
            ("Marché", award.posting.title), ("Acheteur", award.posting.organisation.name),
            ("Notifié le", award.notified_on), ("Montant du marché", award.amount))]
    return rows


def organisation_csv(session: Session, organisation: Organisation) -> str:
    return to_csv(OWN_CSV_HEADER, organisation_rows(session, organisation))


def open_needs(session: Session, today: date | None = None) -> list[Posting]:
    """Published needs whose deadline has not passed, newest first."""
    return list(session.scalars(
        select(Posting)
        .where(Posting.direction == "need", Posting.status == "published",
               open_on(today or date.today()))
        .options(selectinload(Posting.filieres), selectinload(Posting.cpv_codes),
                 selectinload(Posting.lots))
        .order_by(Posting.published_at.desc().nulls_last(), Posting.id.desc())))


def _amount(value) -> float | None:
    return None if value is None else float(value)


def need_item(posting: Posting, url: str) -> dict:
    """One need in the JSON export (see docs/opendata.md)."""
    buyer = posting.organisation
    return {
        "id": posting.id, "url": url, "title": posting.title,
        "description": posting.description, "type": posting.type,
        "organisation": {"id": buyer.id, "name": buyer.name, "siret": buyer.siret,
                         "kind": buyer.kind},
        "commune": {"insee": posting.commune_insee, "name": posting.commune.name},
        "filieres": [f.id for f in posting.filieres],
        "cpv": [{"code": c.code, "label": c.label} for c in posting.cpv_codes],
        "deadline": posting.deadline.isoformat() if posting.deadline else None,
        "published_at": posting.published_at.isoformat() if posting.published_at else None,
        "budget": {"min": _amount(posting.budget_min), "max": _amount(posting.budget_max)},
        "reserved": posting.reserved, "insertion_hours": posting.insertion_hours,
        "lots": [{"number": lot.number, "title": lot.title, "description": lot.description,
                  "estimated_amount": _amount(lot.estimated_amount), "reserved": lot.reserved}
                 for lot in posting.lots],
    }


def needs_document(session: Session, url_of: Callable[[int], str]) -> dict:
    """The open needs, wrapped with the format version and the generation time."""
    needs = open_needs(session)
    return {
        "format": "essaim-besoins", "version": NEEDS_FORMAT_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(needs), "needs": [need_item(p, url_of(p.id)) for p in needs],
    }
