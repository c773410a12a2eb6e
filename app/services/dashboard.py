"""What an organisation's dashboard shows: opportunities (supplier side) and its needs with
the suppliers who said « intéressé » (buyer side)."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.matching import opportunities_for
from models import Match, Organisation, Posting


@dataclass
class NeedSummary:
    posting: Posting
    interested: list[Match] = field(default_factory=list)
    shortlisted: int = 0


@dataclass
class Board:
    organisation: Organisation
    opportunities: list[Match]
    needs: list[NeedSummary]


def needs_summary(session: Session, organisation: Organisation) -> list[NeedSummary]:
    postings = session.scalars(select(Posting).where(
        Posting.organisation_id == organisation.id, Posting.direction == "need",
        Posting.status != "closed").order_by(Posting.created_at.desc()))
    summaries = []
    for posting in postings:
        matches = session.scalars(select(Match).where(
            Match.need_id == posting.id, Match.dismissed.is_(False))).all()
        summaries.append(NeedSummary(
            posting, [m for m in matches if m.status == "interested"],
            sum(m.status == "shortlisted" for m in matches)))
    return summaries


def dashboard_for(session: Session, organisations: list[Organisation]) -> list[Board]:
    return [
        Board(org, opportunities_for(session, org) if org.is_supplier else [],
              needs_summary(session, org))
        for org in organisations
    ]
