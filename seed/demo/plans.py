"""The demo buyer's purchase plan: the shipped sample, uploaded once (`flask run-jobs`, which
`make demo` runs after `flask demo`, analyses it), so the report shows at once."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.purchase_plan import upload_plan
from models import Organisation, PurchasePlan

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "plan_achats_exemple.csv"


def ensure_sample_plan(session: Session, buyer: Organisation | None,
                       user_id: int | None) -> int:
    """Upload the sample for `buyer` unless it already has it; returns plans created."""
    if buyer is None:
        return 0
    exists = session.scalar(select(PurchasePlan.id).where(
        PurchasePlan.organisation_id == buyer.id, PurchasePlan.filename == SAMPLE.name))
    if exists:
        return 0
    upload_plan(session, buyer, user_id, SAMPLE.read_bytes(), SAMPLE.name)
    return 1
