"""A groupement's members as a table for the bid: CSV for Excel-France and the printable page."""

from app import csvkit
from app.services.consortia.formation import INVITATIONS, ROLES, places
from models import Consortium, ConsortiumMember, Lot

HEADERS = ("Organisation", "SIRET", "Forme juridique", "Rôle", "Lots", "Statut de l'invitation",
           "SIAE", "EA/ESAT", "Commune", "Effectif", "Heures d'insertion du marché")
ROLE_ORDER = {"lead": 0, "co_contractor": 1, "subcontractor": 2}


def ordered_members(consortium: Consortium) -> list[ConsortiumMember]:
    """Mandataire first, then cotraitants, then sous-traitants; declined members left out."""
    return sorted(places(consortium),
                  key=lambda m: (ROLE_ORDER[m.role], m.organisation.name.lower()))


def lots_text(member: ConsortiumMember) -> str:
    return ", ".join(str(n) for n in sorted(member.lot_numbers or [])) or "—"


def _status(org, kind: str) -> str:
    """« oui (vérifié) », « oui (déclaré) » or « non »: the buyer sees what to check."""
    if not org.has_status(kind):
        return "non"
    return "oui (vérifié)" if org.status_verified(kind) else "oui (déclaré)"


def member_row(member: ConsortiumMember, insertion_hours: int | None) -> list[str]:
    org = member.organisation
    return [org.name, org.siret, org.legal_form.label if org.legal_form else "",
            ROLES[member.role], lots_text(member), INVITATIONS[member.invitation_status],
            _status(org, "siae"), _status(org, "ea_esat"), org.commune.name if org.commune else "",
            "" if org.headcount is None else str(org.headcount),
            "" if insertion_hours is None else str(insertion_hours)]


def export_rows(consortium: Consortium) -> list[list[str]]:
    hours = consortium.posting.insertion_hours if consortium.posting else None
    return [list(HEADERS)] + [member_row(m, hours) for m in ordered_members(consortium)]


def lot_holders(consortium: Consortium) -> list[tuple[Lot, list[str]]]:
    """Each lot of the tender with the members (declined ones aside) that hold it."""
    lots = consortium.posting.lots if consortium.posting else []
    members = ordered_members(consortium)
    return [(lot, [m.organisation.name for m in members if lot.number in (m.lot_numbers or [])])
            for lot in lots]


def to_csv(rows: list[list[str]]) -> str:
    """The table (header row first) through the one CSV writer: formulas neutralised."""
    return csvkit.to_csv(rows[0], rows[1:])
