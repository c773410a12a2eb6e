"""Publishing needs and offers: create, edit, publish a draft, close with a reason.

Field rules live in the forms and the model (`Posting.check`); this module adds those that
need the database (commune, CPV codes) or the moment of publication (deadline).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.closing import Outcome, close_with_outcome
from app.services.consortia.lifecycle import recheck_after_posting_change
from app.services.events import posting_saved
from app.services.organisations import get_commune
from models import CpvCode, Filiere, Lever, Lot, Organisation, Posting, ValidationError
from models.errors import raise_all

CPV_RE = re.compile(r"^(\d{8})(?:-\d)?$")
SCALARS = ("direction", "type", "title", "description", "max_km", "budget_min", "budget_max",
           "deadline", "reserved", "insertion_hours")


@dataclass
class LotData:
    title: str
    description: str = ""
    estimated_amount: Decimal | None = None


@dataclass
class PostingData:
    """What a user submits for a need or an offer."""

    direction: str
    type: str
    title: str
    commune_insee: str
    description: str = ""
    max_km: float | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline: date | None = None
    reserved: str = "none"
    insertion_hours: int | None = None
    filiere_ids: list[str] = field(default_factory=list)
    lever_ids: list[str] = field(default_factory=list)
    cpv_codes: str = ""
    lots: list[LotData] = field(default_factory=list)

    @classmethod
    def from_posting(cls, posting: Posting) -> "PostingData":
        """The current values, to pre-fill the edit form."""
        return cls(
            **{name: getattr(posting, name) for name in SCALARS},
            commune_insee=posting.commune_insee,
            filiere_ids=[f.id for f in posting.filieres],
            lever_ids=[lever.id for lever in posting.levers],
            cpv_codes=", ".join(code.code for code in posting.cpv_codes),
            lots=[LotData(lot.title, lot.description, lot.estimated_amount)
                  for lot in posting.lots],
        )


def parse_cpv_codes(session: Session, text: str) -> list[CpvCode]:
    """Comma-separated CPV codes, with or without their check digit (45000000-7)."""
    codes: dict[str, CpvCode] = {}
    for typed in filter(None, (part.strip() for part in re.split(r"[,;\s]+", text or ""))):
        match = CPV_RE.match(typed)
        if match is None:
            raise ValidationError(f"Code CPV mal formé : « {typed} » (8 chiffres, par exemple "
                                  "45000000 ou 45000000-7).", "cpv_codes")
        row = session.get(CpvCode, match.group(1))
        if row is None:
            raise ValidationError(f"Code CPV inconnu : « {typed} ».", "cpv_codes")
        codes[row.code] = row
    return list(codes.values())


def check_publishable(data_deadline: date | None, today: date | None = None) -> None:
    """A published posting's deadline lies in the future."""
    if data_deadline is not None and data_deadline <= (today or date.today()):
        raise ValidationError("Pour publier, la date limite doit être postérieure à aujourd'hui.",
                              "deadline")


def _data_problems(data: PostingData) -> list[ValidationError]:
    found = []
    if data.type == "tender" and data.direction != "need":
        found.append(ValidationError("Un appel d'offres est forcément un besoin.", "type"))
    if any(not lot.title.strip() for lot in data.lots):
        found.append(ValidationError("Chaque lot doit avoir un titre.", "lots"))
    return found


def posting_problems(session: Session, data: PostingData, publishing: bool,
                     today: date | None = None) -> list[ValidationError]:
    """Every rule the submitted data breaks, all at once: the user fixes them in one go
    (the form runs this even when its own fields already have errors)."""
    found = _data_problems(data)
    checks = [lambda: get_commune(session, data.commune_insee),
              lambda: parse_cpv_codes(session, data.cpv_codes)]
    if publishing:
        checks.append(lambda: check_publishable(data.deadline, today))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            found.append(error)
    try:  # a transient posting, never added to the session: the model's own rules
        preview = Posting(direction=data.direction, type=data.type, title=data.title,
                          description=data.description, reserved=data.reserved or "none",
                          insertion_hours=data.insertion_hours, max_km=data.max_km,
                          budget_min=data.budget_min, budget_max=data.budget_max)
    except ValidationError as error:  # an unknown choice: the form field says so already
        return [*found, error]
    preview.lots = [Lot(number=n, title=lot.title) for n, lot in enumerate(data.lots, start=1)]
    found += preview.problems()
    return found


def _apply(session: Session, posting: Posting, data: PostingData) -> None:
    with session.no_autoflush:  # half-applied data must not be checked by an early flush
        posting.commune = get_commune(session, data.commune_insee)
        for name in SCALARS:
            setattr(posting, name, getattr(data, name))
        posting.filieres = list(session.scalars(
            select(Filiere).where(Filiere.id.in_(data.filiere_ids))))
        posting.levers = list(session.scalars(select(Lever).where(Lever.id.in_(data.lever_ids))))
        posting.cpv_codes = parse_cpv_codes(session, data.cpv_codes)
        _sync_lots(posting, data.lots)
        posting.check()


def _sync_lots(posting: Posting, lots: list[LotData]) -> None:
    """Update lot N in place and drop the lots beyond the new count (in the same flush): an
    edit never leaves old rows beside new ones, and a lot keeps its row and reservation."""
    current = {lot.number: lot for lot in posting.lots}
    kept = []
    for number, typed in enumerate(lots, start=1):
        lot = current.get(number) or Lot(number=number)
        lot.title, lot.description = typed.title.strip(), typed.description
        lot.estimated_amount = typed.estimated_amount
        kept.append(lot)
    posting.lots = kept


def save_posting(session: Session, organisation: Organisation, data: PostingData,
                 posting: Posting | None = None, publish: bool = False,
                 today: date | None = None) -> Posting:
    """Create or edit a posting of `organisation`; publish it at once when asked."""
    if posting is not None and posting.status == "closed":
        raise ValidationError("Une annonce close ne peut plus être modifiée.")
    publishing = publish or (posting is not None and posting.status == "published")
    raise_all(posting_problems(session, data, publishing, today))
    editing = posting is not None
    posting = posting or Posting(organisation=organisation, status="draft")
    newly_published = publish and posting.status == "draft"
    _apply(session, posting, data)
    if newly_published:
        posting.publish()
    session.add(posting)
    session.flush()
    if editing:  # a groupement already answering must still respect the reservation
        recheck_after_posting_change(session, posting)
    posting_saved(session, posting, newly_published=newly_published)
    return posting


def publish_posting(session: Session, posting: Posting, today: date | None = None) -> None:
    """Publish a draft."""
    if posting.status != "draft":
        raise ValidationError("Seule une annonce en brouillon peut être publiée.")
    check_publishable(posting.deadline, today)
    posting.publish()
    session.flush()
    posting_saved(session, posting, newly_published=True)


def close_posting(session: Session, posting: Posting, reason: str) -> None:
    """Close a published posting without naming a winner (an offer, or a cancelled need);
    a need awarded to someone closes through `closing.close_with_outcome`."""
    close_with_outcome(session, posting, Outcome(reason))


def postings_of(session: Session, organisation_id: int) -> list[Posting]:
    """All the postings of an organisation, drafts included, newest first."""
    return list(session.scalars(select(Posting).where(
        Posting.organisation_id == organisation_id).order_by(Posting.id.desc())))
