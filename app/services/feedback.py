"""« Cette suggestion vous a-t-elle été utile ? »: one answer per user and suggestion (the
buyer on a suggested supplier, the supplier on an opportunity it was alerted to), changeable.
The answers are training data for the ranker (see docs/follow-up.md)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.match_actions import supplier_of
from app.services.races import added_once
from models import Match, NotAllowed, SuggestionFeedback, User, ValidationError
from models.follow_up import FEEDBACK_REASONS

MAX_COMMENT = 1000


@dataclass
class Answer:
    useful: bool | None
    reason: str = ""
    comment: str = ""


def feedback_side(match: Match, acting_ids: set[int]) -> str:
    """Who answers: the need's buyer or the suggested supplier; anyone else is refused."""
    if match.need.organisation_id in acting_ids:
        return "buyer"
    if supplier_of(match).id in acting_ids:
        return "supplier"
    raise NotAllowed()


def _check(answer: Answer) -> None:
    if answer.useful is None:
        raise ValidationError("Répondez « oui » ou « non ».", "useful")
    if answer.reason and answer.reason not in FEEDBACK_REASONS:
        raise ValidationError("Choisissez une raison dans la liste.", "reason")
    if len(answer.comment) > MAX_COMMENT:
        raise ValidationError(f"Le commentaire est trop long ({MAX_COMMENT} caractères au "
                              f"plus, vous en avez saisi {len(answer.comment)}).", "comment")


def give_feedback(session: Session, match: Match, user: User, side: str,
                  answer: Answer) -> SuggestionFeedback:
    """Store or change the user's answer on this suggestion."""
    _check(answer)
    row = session.scalar(select(SuggestionFeedback).where(
        SuggestionFeedback.match_id == match.id, SuggestionFeedback.user_id == user.id))
    if row is None:
        row = SuggestionFeedback(match_id=match.id, user_id=user.id, side=side,
                                 useful=answer.useful)
        if not added_once(session, lambda: session.add(row)):  # a double click won the race
            row = session.scalar(select(SuggestionFeedback).where(
                SuggestionFeedback.match_id == match.id, SuggestionFeedback.user_id == user.id))
    row.side, row.useful = side, answer.useful
    row.reason, row.comment = answer.reason, answer.comment.strip()
    session.flush()
    return row


def feedback_by_match(session: Session, user_id: int) -> dict[int, SuggestionFeedback]:
    """The user's answers, by suggestion (to show « Votre avis : … » on the cards)."""
    return {row.match_id: row for row in session.scalars(select(SuggestionFeedback).where(
        SuggestionFeedback.user_id == user_id))}
