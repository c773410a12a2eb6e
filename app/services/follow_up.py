"""The follow-up history of needs: record each step, and read it back as a timeline, as the
current state of each candidate, and as counts (dashboard).

Every step appends a `FollowUpEvent`; nothing is overwritten. `Match.status` (latest step) and
`Match.dismissed` are kept in step with the history here, so that lists and the engine (which
never brings back a dismissed suggestion) read one column.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Consortium, FollowUpEvent, Match, Posting, User

# The step a Match shows once this event is recorded (None: the cached status does not move).
MATCH_STATUS_AFTER = {
    "viewed": "seen", "shortlisted": "shortlisted", "contacted": "contacted",
    "replied": "replied", "interested": "interested", "not_interested": "declined",
    "retained": "retained", "not_retained": "not_retained", "dismissed": None, "restored": None,
}
ONCE = {"viewed", "contacted", "replied", "applied"}  # recorded the first time only


def match_for(session: Session, need_id: int, organisation_id: int) -> Match | None:
    """The suggestion of `organisation_id` (itself or one of its offers) for a need."""
    own_offers = select(Posting.id).where(Posting.organisation_id == organisation_id)
    return session.scalar(select(Match).where(Match.need_id == need_id).where(
        (Match.organisation_id == organisation_id) | Match.offer_id.in_(own_offers))
        .order_by(Match.id).limit(1))


def has_event(session: Session, need_id: int, kind: str, organisation_id: int | None = None,
              consortium_id: int | None = None) -> bool:
    return session.scalar(select(FollowUpEvent.id).where(
        FollowUpEvent.need_id == need_id, FollowUpEvent.kind == kind,
        FollowUpEvent.organisation_id == organisation_id if organisation_id
        else FollowUpEvent.consortium_id == consortium_id).limit(1)) is not None


def record(session: Session, need_id: int, kind: str, *, organisation_id: int | None = None,
           consortium_id: int | None = None, actor: User | None = None,
           note: str = "") -> FollowUpEvent | None:
    """Append one step (steps in ONCE only the first time); update the Match cache."""
    if kind in ONCE and has_event(session, need_id, kind, organisation_id, consortium_id):
        return None
    event = FollowUpEvent(need_id=need_id, organisation_id=organisation_id,
                          consortium_id=consortium_id, kind=kind, note=note,
                          actor_user_id=getattr(actor, "id", None))
    session.add(event)
    if organisation_id is not None:
        match = match_for(session, need_id, organisation_id)
        if match is not None:
            _update_cache(match, kind)
    session.flush()
    return event


def _update_cache(match: Match, kind: str) -> None:
    if kind in ("dismissed", "restored"):
        match.dismissed = kind == "dismissed"
    status = MATCH_STATUS_AFTER.get(kind)
    if status and not (kind == "viewed" and match.status != "proposed"):
        match.status = status


def dismissed_matches(session: Session, posting: Posting) -> list[Match]:
    """The suggestions the buyer set aside (shown folded, each with « Rétablir »)."""
    return list(session.scalars(
        select(Match).where(Match.need_id == posting.id, Match.dismissed.is_(True))
        .options(selectinload(Match.organisation), selectinload(Match.offer))
        .order_by(Match.score.desc(), Match.id)))


# -- reading the history --------------------------------------------------------------------
@dataclass
class CandidateState:
    """Where one candidate stands, from its whole history (not only the latest step)."""

    shortlisted: bool = False
    contacted: bool = False
    replied: bool = False
    viewed: bool = False
    answer: str | None = None  # interested / not_interested (latest)
    dismissed: bool = False
    outcome: str | None = None  # retained / not_retained
    kinds: list[str] = field(default_factory=list)

    def apply(self, kind: str) -> None:
        self.kinds.append(kind)
        if kind in ("shortlisted", "contacted", "replied", "viewed"):
            setattr(self, kind, True)
        elif kind in ("interested", "not_interested"):
            self.answer = kind
        elif kind in ("dismissed", "restored"):
            self.dismissed = kind == "dismissed"
        elif kind in ("retained", "not_retained"):
            self.outcome = kind

    @property
    def is_candidate(self) -> bool:
        """Told the outcome when the tender closes: the buyer or the supplier moved."""
        return self.shortlisted or self.contacted or self.replied or self.answer == "interested"


def states_by_need(session: Session, need_ids: list[int]
                   ) -> dict[int, dict[int, CandidateState]]:
    """Each supplier's state per need, from the history (one query, columns only)."""
    states: dict[int, dict[int, CandidateState]] = {need_id: {} for need_id in need_ids}
    if not need_ids:
        return states
    rows = session.execute(select(FollowUpEvent.need_id, FollowUpEvent.organisation_id,
                                  FollowUpEvent.kind).where(
        FollowUpEvent.need_id.in_(need_ids), FollowUpEvent.organisation_id.is_not(None))
        .order_by(FollowUpEvent.created_at, FollowUpEvent.id))
    for need_id, organisation_id, kind in rows:
        states[need_id].setdefault(organisation_id, CandidateState()).apply(kind)
    return states


def states_by_organisation(session: Session, need_id: int) -> dict[int, CandidateState]:
    return states_by_need(session, [need_id])[need_id]


@dataclass
class Counts:
    interested: int = 0
    shortlisted: int = 0
    contacted: int = 0
    replied: int = 0
    applied: int = 0  # groupements


def counts_by_need(session: Session, need_ids: list[int],
                   states: dict[int, dict[int, CandidateState]] | None = None
                   ) -> dict[int, Counts]:
    """Per need, how many candidates reached each step (dismissed ones excepted)."""
    states = states if states is not None else states_by_need(session, need_ids)
    applied = dict(session.execute(  # groupements: the bids as they stand
        select(Consortium.posting_id, func.count(Consortium.id))
        .where(Consortium.posting_id.in_(need_ids), Consortium.status == "submitted")
        .group_by(Consortium.posting_id)).all()) if need_ids else {}
    counts = {need_id: Counts(applied=applied.get(need_id, 0)) for need_id in need_ids}
    for need_id, by_organisation in states.items():
        tally = counts[need_id]
        for state in by_organisation.values():
            if not state.dismissed:
                tally.interested += state.answer == "interested"
                tally.shortlisted += state.shortlisted
                tally.contacted += state.contacted
                tally.replied += state.replied
    return counts


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    candidate: str
    actor: str = ""
    note: str = ""
    url_id: int | None = None  # the organisation's id, for a link


def timeline(session: Session, posting: Posting) -> list[TimelineEntry]:
    """The buyer's view of a need's follow-up, oldest first: suggestions, then every step."""
    matches = session.scalars(select(Match).where(Match.need_id == posting.id).options(
        selectinload(Match.organisation), selectinload(Match.offer)).order_by(Match.id))
    entries = []
    for match in matches:
        supplier = match.organisation or match.offer.organisation
        entries.append(TimelineEntry(match.created_at, "suggested", supplier.name,
                                     url_id=supplier.id))
    rows = session.scalars(select(FollowUpEvent).where(FollowUpEvent.need_id == posting.id)
                           .options(selectinload(FollowUpEvent.organisation),
                                    selectinload(FollowUpEvent.consortium),
                                    selectinload(FollowUpEvent.actor)))
    for event in rows:
        candidate = (event.organisation.name if event.organisation
                     else f"Groupement « {event.consortium.name} »")
        actor = (event.actor.name or event.actor.email) if event.actor else ""
        entries.append(TimelineEntry(event.created_at, event.kind, candidate, actor,
                                     event.note, event.organisation_id))
    return sorted(entries, key=lambda entry: _naive(entry.at))


def _naive(moment: datetime) -> datetime:
    """SQLite gives naive UTC datetimes, PostgreSQL aware ones: compare them in naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment



def applied_consortia(session: Session, posting: Posting) -> list[Consortium]:
    """Groupements that submitted a bid for this need (what the buyer sees from its page)."""
    return list(session.scalars(select(Consortium).where(
        Consortium.posting_id == posting.id, Consortium.status == "submitted")
        .order_by(Consortium.id)))


@dataclass
class TenderFollowUp:
    """What the buyer sees on its need's page, open or closed."""

    timeline: list[TimelineEntry]
    consortia: list[Consortium]
    counts: Counts


def tender_follow_up(session: Session, posting: Posting) -> TenderFollowUp:
    return TenderFollowUp(timeline(session, posting), applied_consortia(session, posting),
                          counts_by_need(session, [posting.id])[posting.id])
