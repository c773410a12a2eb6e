"""Closing a need with its outcome: who won (suppliers among its candidates, groupements that
applied, or an outside supplier by SIRET), for how much and when.

The winners become `Award` rows (source « essaim »): they show among the winner's « Références
publiques » and feed the ranking like imported public contracts. Each candidate gets a
« retenu » / « non retenu » step in the history, a groupement its outcome, and after the commit
a reaction tells candidates and groupement members (`tell_outcome`, idempotent). Closing hides
nothing: the need's page keeps its suggestions, contacts and groupements.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.events import posting_saved
from app.services.follow_up import applied_consortia, record, states_by_organisation
from app.services.notify import notify
from models import (
    Award,
    Consortium,
    Match,
    Notification,
    Organisation,
    Posting,
    User,
    ValidationError,
)
from models.change_log import emit
from models.validators import normalise_siret, siret_error

NEED_CLOSED = "need_closed"
ESSAIM_SOURCE = "essaim"
CLOSE_REASONS = ("awarded", "cancelled")  # « expired » is set by the expiry job only


@dataclass
class Outcome:
    """What the buyer declares when closing."""

    reason: str
    organisation_ids: list[int] = field(default_factory=list)
    consortium_ids: list[int] = field(default_factory=list)
    outside_siret: str = ""
    outside_name: str = ""
    amount: Decimal | None = None
    awarded_on: date | None = None

    @property
    def has_winner(self) -> bool:
        return bool(self.organisation_ids or self.consortium_ids or self.outside_siret.strip())


@dataclass
class Candidates:
    """Who may be declared winner: the suggested suppliers and those that moved in the
    follow-up, and the groupements that applied."""

    organisations: list[Organisation]
    consortia: list[Consortium]


def candidates_of(session: Session, posting: Posting) -> Candidates:
    matches = session.scalars(select(Match).where(Match.need_id == posting.id)
                              .order_by(Match.score.desc(), Match.id))
    ids = [m.organisation_id or m.offer.organisation_id for m in matches]
    ids += [i for i in states_by_organisation(session, posting.id) if i not in ids]
    by_id = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_(ids)))}
    return Candidates([by_id[i] for i in dict.fromkeys(ids) if i in by_id],
                      applied_consortia(session, posting))


def _check(outcome: Outcome, candidates: Candidates, posting: Posting, today: date) -> None:
    if outcome.reason not in CLOSE_REASONS:
        raise ValidationError("Choisissez un motif : attribuée ou annulée.", "reason")
    if posting.status != "published":
        raise ValidationError("Seule une annonce publiée peut être close.")
    if outcome.reason == "cancelled" and (outcome.has_winner or outcome.amount is not None):
        raise ValidationError("Une annonce annulée n'a ni titulaire ni montant : décochez les "
                              "titulaires ou choisissez « Attribuée ».", "reason")
    if outcome.reason == "awarded" and posting.direction == "need":
        _check_winners(outcome, candidates, today)  # an offer taken up closes without one


def _check_winners(outcome: Outcome, candidates: Candidates, today: date) -> None:
    if not outcome.has_winner:
        raise ValidationError("Indiquez le ou les titulaires : un fournisseur suggéré, un "
                              "groupement candidat ou un SIRET.", "organisation_ids")
    known = {o.id for o in candidates.organisations}
    if set(outcome.organisation_ids) - known:
        raise ValidationError("Ce fournisseur n'est pas parmi les candidats de ce besoin.",
                              "organisation_ids")
    if set(outcome.consortium_ids) - {c.id for c in candidates.consortia}:
        raise ValidationError("Ce groupement n'a pas candidaté à ce besoin.", "consortium_ids")
    if outcome.outside_siret.strip():
        error = siret_error(outcome.outside_siret)
        if error:
            raise ValidationError(error, "outside_siret")
    if outcome.amount is not None and outcome.amount < 0:
        raise ValidationError("Le montant doit être positif, par exemple 50 000.", "amount")
    if outcome.awarded_on is not None and outcome.awarded_on > today:
        raise ValidationError("La date d'attribution ne peut pas être dans le futur.",
                              "awarded_on")


def _outside_winner(session: Session, outcome: Outcome) -> tuple[Organisation | None, str, str]:
    siret = normalise_siret(outcome.outside_siret)
    organisation = session.scalar(select(Organisation).where(Organisation.siret == siret))
    name = organisation.name if organisation else outcome.outside_name.strip()
    if not name:
        raise ValidationError("Ce SIRET n'est pas encore sur Essaim : indiquez le nom du "
                              "titulaire.", "outside_name")
    return organisation, siret, name[:200]


def _award(posting: Posting, outcome: Outcome, organisation: Organisation | None,
           siret: str | None, name: str) -> Award:
    return Award(posting=posting, organisation=organisation, winner_siret=siret,
                 winner_name=name, amount=outcome.amount,
                 notified_on=outcome.awarded_on, source=ESSAIM_SOURCE)


def _winning_organisations(session: Session, posting: Posting, outcome: Outcome,
                           consortia: list[Consortium]) -> list[tuple]:
    """(organisation or None, SIRET, name) of every titulaire; a groupement gives its members
    that hold a place (one Award row each, as in the DECP)."""
    winners = {}
    for organisation_id in outcome.organisation_ids:
        organisation = session.get(Organisation, organisation_id)
        winners[organisation.id] = (organisation, organisation.siret, organisation.name)
    for consortium in consortia:
        for member in consortium.members:
            if member.invitation_status == "accepted":
                org = member.organisation
                winners.setdefault(org.id, (org, org.siret, org.name))
    if outcome.outside_siret.strip():
        organisation, siret, name = _outside_winner(session, outcome)
        winners[organisation.id if organisation else siret] = (organisation, siret, name)
    return list(winners.values())


def close_with_outcome(session: Session, posting: Posting, outcome: Outcome,
                       user: User | None = None, today: date | None = None) -> list[Award]:
    """Close a published posting; when awarded, record its winners as Awards and every
    candidate's outcome. Returns the new Award rows."""
    today = today or date.today()
    candidates = candidates_of(session, posting)
    _check(outcome, candidates, posting, today)
    awards = []
    if outcome.reason == "awarded":
        won = [c for c in candidates.consortia if c.id in outcome.consortium_ids]
        for organisation, siret, name in _winning_organisations(session, posting, outcome, won):
            awards.append(_award(posting, outcome, organisation, siret, name))
        session.add_all(awards)
        _record_outcomes(session, posting, candidates, outcome, user)
    posting.close(outcome.reason)
    session.flush()
    emit(session, NEED_CLOSED, posting_id=posting.id)
    posting_saved(session, posting)
    return awards


def _record_outcomes(session: Session, posting: Posting, candidates: Candidates,
                     outcome: Outcome, user: User | None) -> None:
    states = states_by_organisation(session, posting.id)
    for organisation in candidates.organisations:
        if organisation.id in outcome.organisation_ids:
            record(session, posting.id, "retained", organisation_id=organisation.id, actor=user)
        elif organisation.id in states and states[organisation.id].is_candidate:
            record(session, posting.id, "not_retained", organisation_id=organisation.id,
                   actor=user)
    for consortium in candidates.consortia:
        won = consortium.id in outcome.consortium_ids
        consortium.outcome = "retained" if won else "not_retained"
        record(session, posting.id, consortium.outcome, consortium_id=consortium.id, actor=user)


# -- after the commit: tell candidates and groupement members --------------------------------
def tell_outcome(session: Session, posting_id: int) -> int:
    """Notify each candidate and each groupement member of the outcome, once (a retried job
    skips organisations already told); returns how many were notified."""
    posting = session.get(Posting, posting_id)
    if posting is None or posting.status != "closed":
        return 0
    url = f"/annonces/{posting.id}"
    told = set(session.scalars(select(Notification.organisation_id).where(
        Notification.kind == "outcome", Notification.url == url)))
    before = len(told)
    for organisation, text in _outcome_messages(session, posting):
        if organisation.id not in told and organisation.id != posting.organisation_id:
            notify(session, organisation, "outcome", text, url)
            told.add(organisation.id)
    return len(told) - before


def _outcome_messages(session: Session, posting: Posting):
    title, buyer = posting.title, posting.organisation.name
    if posting.close_reason == "cancelled":
        verdict = {"retained": None, "not_retained": None}
    else:
        verdict = {"retained": "votre candidature est retenue",
                   "not_retained": "votre candidature n'a pas été retenue"}
    states = states_by_organisation(session, posting.id)
    for organisation_id, state in states.items():
        if not (state.is_candidate or state.outcome):
            continue
        organisation = session.get(Organisation, organisation_id)
        text = verdict.get(state.outcome or "not_retained")
        yield organisation, (f"« {title} » ({buyer}) est close : {text}." if text
                             else f"« {title} » ({buyer}) a été annulée.")
    for consortium in applied_consortia(session, posting):
        text = verdict.get(consortium.outcome or "not_retained")
        for member in consortium.members:
            if member.invitation_status == "accepted":
                yield member.organisation, (
                    f"« {title} » ({buyer}) est close : pour le groupement « {consortium.name} », "
                    f"{text}." if text else f"« {title} » ({buyer}) a été annulée.")
