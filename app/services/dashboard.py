"""What an organisation's dashboard shows: opportunities (supplier side) and its needs with
the suppliers who said « intéressé » (buyer side)."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.follow_up import Counts, counts_by_need, states_by_need
from app.services.matching import opportunities_for
from models import Match, Organisation, Posting


@dataclass
class NeedSummary:
    posting: Posting
    interested: list[Organisation] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class Board:
    organisation: Organisation
    opportunities: list[Match]
    needs: list[NeedSummary]


def needs_summary(session: Session, organisation: Organisation) -> list[NeedSummary]:
    """Open needs with their counts, computed from the follow-up history (a supplier both
    shortlisted and interested counts in both)."""
    postings = list(session.scalars(select(Posting).where(
        Posting.organisation_id == organisation.id, Posting.direction == "need",
        Posting.status != "closed").order_by(Posting.created_at.desc())))
    states = states_by_need(session, [p.id for p in postings])
    counts = counts_by_need(session, [p.id for p in postings], states)
    interested = {need_id: [i for i, s in by_org.items()
                            if s.answer == "interested" and not s.dismissed]
                  for need_id, by_org in states.items()}
    names = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_({i for ids in interested.values() for i in ids})))}
    summaries = []
    for posting in postings:
        summaries.append(NeedSummary(
            posting, sorted((names[i] for i in interested[posting.id]), key=lambda o: o.name),
            counts[posting.id]))
    return summaries


def dashboard_for(session: Session, organisations: list[Organisation]) -> list[Board]:
    return [
        Board(org, opportunities_for(session, org) if org.is_supplier else [],
              needs_summary(session, org))
        for org in organisations
    ]
