"""What each side may do with a suggestion: the buyer shortlists, dismisses or restores (and
contacts by writing a message: `messaging` records it once sent); the supplier says
« intéressé » or « pas pour nous ». Each action is a step of the follow-up history."""

from sqlalchemy.orm import Session

from app.services.follow_up import match_for, record
from app.services.notify import notify
from models import Match, NotAllowed, Organisation, User, ValidationError

BUYER_ACTIONS = {"shortlist": "shortlisted", "contact": None, "dismiss": "dismissed",
                 "restore": "restored"}
SUPPLIER_ACTIONS = {"interested": "interested", "declined": "not_interested"}


def supplier_of(match: Match) -> Organisation:
    return match.organisation if match.organisation_id else match.offer.organisation


def acting_side(match: Match, action: str, acting_ids: set[int]) -> str:
    """« buyer » or « supplier » when one of `acting_ids` may take `action`; NotAllowed else."""
    if action in BUYER_ACTIONS and match.need.organisation_id in acting_ids:
        return "buyer"
    if action in SUPPLIER_ACTIONS and supplier_of(match).id in acting_ids:
        return "supplier"
    raise NotAllowed()


def apply_action(session: Session, match: Match, action: str, acting_ids: set[int],
                 user: User | None = None) -> Match:
    """Apply `action` on behalf of one of `acting_ids`; refuse (NotAllowed) what that side may
    not do, or an unknown action. « contact » records nothing: the message does."""
    side = acting_side(match, action, acting_ids)
    kind = (BUYER_ACTIONS if side == "buyer" else SUPPLIER_ACTIONS)[action]
    if kind is None:
        return match
    if match.need.status != "published":
        raise ValidationError("Ce besoin est clos : son suivi ne change plus.")
    supplier = supplier_of(match)
    record(session, match.need_id, kind, organisation_id=supplier.id, actor=user)
    if kind == "interested":
        need = match.need
        notify(session, need.organisation, "interest",
               f"{supplier.name} est intéressé par votre besoin « {need.title} ».",
               f"/annonces/{need.id}#suivi")
    session.flush()
    return match


def record_viewed(session: Session, need_id: int, organisation_ids: set[int],
                  user: User | None) -> int:
    """The supplier opened a need it was suggested for (a POST sent by the page, once per
    organisation); returns how many organisations it was recorded for."""
    recorded = 0
    for organisation_id in organisation_ids:
        if match_for(session, need_id, organisation_id) is not None and record(
                session, need_id, "viewed", organisation_id=organisation_id, actor=user):
            recorded += 1
    return recorded
