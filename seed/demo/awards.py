"""Demo public references: a handful of awarded tenders (real DECP subjects, demo winners).

Without them every supplier page of the demo says « Aucun marché public attribué connu » and
the ranking's contract evidence (``matching.evidence``) has nothing to read. Subjects, buyers,
codes, dates and amounts come from DECP rows (``data/demo/awards.json`` gives each row's id);
the winners are demo organisations picked by activity.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Award, CpvCode, Organisation, Posting
from seed.demo.catalogue import DATA_DIR, _read

SOURCE = "decp"  # an imported past contract: a reference, never a searchable listing
AWARD_SOURCE = "demo"
EXTERNAL_PREFIX = "demo-award:"


@dataclass(frozen=True)
class AwardSpec:
    decp_id: str
    buyer: str
    winner: str
    objet: str
    cpv: str
    notified_on: date
    amount: float
    commune: str


def award_specs() -> list[AwardSpec]:
    return [AwardSpec(e["decp_id"], e["buyer"], e["winner"], e["objet"], e["cpv"],
                      date.fromisoformat(e["notified_on"]), float(e["amount"]), e["commune"])
            for e in _read(DATA_DIR / "awards.json")["awards"]]


def _tender(spec: AwardSpec, buyer: Organisation, cpv: CpvCode | None) -> Posting:
    notified = datetime.combine(spec.notified_on, time(9, 0), tzinfo=UTC)
    return Posting(
        organisation=buyer, direction="need", type="tender", title=spec.objet,
        description=(f"Marché public notifié le {spec.notified_on.strftime('%d/%m/%Y')} "
                     f"(objet tiré des données essentielles de la commande publique ; "
                     f"titulaire fictif de la démonstration)."),
        commune_insee=spec.commune, status="closed", close_reason="awarded",
        published_at=notified, closed_at=notified, budget_max=spec.amount, source=SOURCE,
        external_id=f"{EXTERNAL_PREFIX}{spec.decp_id}", cpv_codes=[cpv] if cpv else [])


def save_awards(session: Session, specs: list[AwardSpec],
                by_key: dict[str, Organisation]) -> int:
    """Insert the tenders and awards not there yet (by external id); returns how many."""
    wanted = [s for s in specs if s.buyer in by_key and s.winner in by_key]
    existing = set(session.scalars(select(Posting.external_id).where(Posting.external_id.in_(
        [f"{EXTERNAL_PREFIX}{s.decp_id}" for s in wanted]))))
    fresh = [s for s in wanted if f"{EXTERNAL_PREFIX}{s.decp_id}" not in existing]
    for spec in fresh:
        winner = by_key[spec.winner]
        tender = _tender(spec, by_key[spec.buyer], session.get(CpvCode, spec.cpv))
        session.add(Award(posting=tender, organisation=winner, winner_siret=winner.siret,
                          winner_name=winner.name, amount=spec.amount,
                          notified_on=spec.notified_on, source=AWARD_SOURCE))
    return len(fresh)
