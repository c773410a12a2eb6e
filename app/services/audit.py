"""Who changed what in an organisation's profile, and when (shown to animators on its page)."""

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, Organisation, User

FIELD_LABELS = {
    "kind": "Type", "name": "Nom", "siret": "SIRET", "commune_insee": "Commune",
    "legal_form_code": "Forme juridique", "description": "Présentation",
    "capacities": "Savoir-faire", "address": "Adresse", "website": "Site web",
    "email": "E-mail", "phone": "Téléphone", "headcount": "Effectif", "esus": "ESUS",
    "qpv": "QPV", "filiere_ids": "Filières", "sdg": "ODD",
}
SHOWN = 300  # characters kept of a long old or new value


def _text(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(v) for v in sorted(value, key=str))
    return "" if value is None else str(value)


def record_changes(session: Session, organisation: Organisation, editor: User | None,
                   before, after) -> list[AuditEntry]:
    """One entry per field whose value differs between two `OrganisationData`."""
    old, new = asdict(before), asdict(after)
    entries = [AuditEntry(organisation_id=organisation.id, user=editor, field=name,
                          old_value=_text(old[name])[:SHOWN], new_value=_text(new[name])[:SHOWN])
               for name in old if _text(old[name]) != _text(new[name])]
    session.add_all(entries)
    return entries


def audit_log(session: Session, organisation_id: int, limit: int = 50) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == organisation_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))
