"""What each side may do with a suggestion: the buyer shortlists, contacts or dismisses;
the supplier says « intéressé » or « pas pour nous »."""

from sqlalchemy.orm import Session

from models import Match, NotAllowed, Organisation

BUYER_ACTIONS = {"shortlist": "shortlisted", "contact": "contacted", "dismiss": None}
SUPPLIER_ACTIONS = {"interested": "interested", "declined": "declined"}


def supplier_of(match: Match) -> Organisation:
    return match.organisation if match.organisation_id else match.offer.organisation


def apply_action(session: Session, match: Match, action: str, acting_ids: set[int]) -> Match:
    """Apply `action` on behalf of one of `acting_ids`; refuse (NotAllowed) what that side may
    not do, or an unknown action."""
    if action in BUYER_ACTIONS:
        if match.need.organisation_id not in acting_ids:
            raise NotAllowed()
        if action == "dismiss":
            match.dismissed = True
        else:
            match.status = BUYER_ACTIONS[action]
    elif action in SUPPLIER_ACTIONS:
        if supplier_of(match).id not in acting_ids:
            raise NotAllowed()
        match.status = SUPPLIER_ACTIONS[action]
    else:
        raise NotAllowed()
    session.flush()
    return match
