"""Demo statuses with a source: the featured insertion ressourcerie and a few other SIAE and
EA/ESAT validated by the demo animator (with a note); the rest stay « déclaré » and fill her
validation queue. Demo SIRETs are synthetic, so none is in the official SIAE file."""

from sqlalchemy.orm import Session

from app.services.accounts import find_user
from app.services.statuses import record_decision
from models import Organisation

FEATURED = (("ressourcerie-ile", "siae",
             "Démo : conventionnement ACI consulté (DDETS de Loire-Atlantique)."),)
PER_STATUS = 4  # other organisations validated per status; the others wait in the queue
NOTES = {"siae": "Démo : conventionnement IAE consulté.",
         "ea_esat": "Démo : agrément EA / autorisation ESAT consultés."}


def planned(by_key: dict[str, Organisation]) -> list[tuple[Organisation, str, str]]:
    """(organisation, status, note) to validate, the same on every run."""
    chosen = [(by_key[key], kind, note) for key, kind, note in FEATURED if key in by_key]
    for kind, note in NOTES.items():
        holders = [org for key, org in sorted(by_key.items())
                   if org.has_status(kind) and key not in {k for k, _, _ in FEATURED}]
        chosen += [(org, kind, note) for org in holders[:PER_STATUS]]
    return chosen


def validate_demo_statuses(session: Session, by_key: dict[str, Organisation],
                           animator_email: str) -> tuple[int, int]:
    """Record the animator's validations still missing; returns (created, planned)."""
    animator = find_user(session, animator_email)
    todo = planned(by_key)
    created = 0
    for org, kind, note in todo:
        if org.status_source(kind) == "declared":
            record_decision(session, org, kind, "verified", "animator", note,
                            animator.id if animator else None)
            created += 1
    return created, len(todo)
