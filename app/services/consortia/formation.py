"""Groupements (consortia): form one from a proposal or from scratch, invite, answer, share the
lots, and take it forming → complete → submitted. Every rule is checked here, in French.

Who may do what (`viewer` = the organisations a user acts for, plus the animator flag):
- see: animators, and organisations holding a place in it (any invitation status but declined);
  the tender's buyer too, once it is submitted;
- manage (invite, roles and lots, status): the creator and the accepted mandataire, animators;
- answer an invitation: the invited organisation only.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.services.consortia.proposals import MEMBER_KINDS, ProposalSet
from app.services.consortia.rules import check_place, places, refresh_explanation
from app.services.notify import notify
from app.services.viewer import Viewer
from matching.consortia import Proposal
from models import Consortium, ConsortiumMember, NotAllowed, Organisation, Posting, ValidationError

ROLES = {"lead": "mandataire", "co_contractor": "cotraitant", "subcontractor": "sous-traitant"}
STATUSES = {"forming": "En constitution", "complete": "Complet", "submitted": "Candidature déposée"}
INVITATIONS = {"invited": "Invité", "accepted": "Accepté", "declined": "Décliné"}


def can_see(consortium: Consortium, viewer: Viewer) -> bool:
    if viewer.animator:
        return True
    holders = {m.organisation_id for m in places(consortium)} | {consortium.created_by_id}
    buyer = consortium.posting.organisation_id if consortium.posting else None
    return bool(viewer.organisation_ids & holders) or (
        consortium.status == "submitted" and buyer in viewer.organisation_ids)


def managers(consortium: Consortium) -> set[int]:
    leads = {m.organisation_id for m in consortium.members
             if m.role == "lead" and m.invitation_status == "accepted"}
    return leads | {consortium.created_by_id}


def can_manage(consortium: Consortium, viewer: Viewer) -> bool:
    return viewer.animator or bool(viewer.organisation_ids & managers(consortium))


def require_manager(consortium: Consortium, viewer: Viewer) -> None:
    if not can_manage(consortium, viewer):
        raise NotAllowed()


def require_forming(consortium: Consortium) -> None:
    if consortium.status != "forming":
        raise ValidationError("Ce groupement n'est plus en constitution : rouvrez-le pour le "
                              "modifier.", "status")


def consortium_url(consortium: Consortium) -> str:
    return f"/groupements/{consortium.id}"


def for_organisations(session: Session, organisation_ids: set[int]) -> list[Consortium]:
    """Groupements where these organisations hold a place or which they created."""
    holders = select(ConsortiumMember.consortium_id).where(
        ConsortiumMember.organisation_id.in_(organisation_ids),
        ConsortiumMember.invitation_status != "declined")
    return list(session.scalars(
        select(Consortium).where((Consortium.id.in_(holders))
                                 | Consortium.created_by_id.in_(organisation_ids))
        .options(selectinload(Consortium.members)).order_by(Consortium.id.desc())))


# -- forming ------------------------------------------------------------------------------------
def check_founder(posting: Posting, organisation: Organisation, role: str = "lead") -> None:
    """May this organisation found a groupement for this need, in this role?"""
    if organisation.kind not in MEMBER_KINDS:
        raise ValidationError("Seuls les acteurs de l'ESS et les entreprises forment un "
                              "groupement.", "organisation_id")
    if organisation.id == posting.organisation_id:
        raise ValidationError("L'acheteur ne peut pas candidater à son propre marché.",
                              "organisation_id")
    if not posting.is_open or posting.direction != "need":
        raise ValidationError("Ce besoin n'accepte plus de candidatures.", "posting_id")
    check_place(posting, organisation, role, [], "organisation_id")


def _member(organisation_id: int, role: str, lots: list[int], status: str) -> ConsortiumMember:
    return ConsortiumMember(organisation_id=organisation_id, role=role, lot_numbers=lots,
                            invitation_status=status)


def create_empty(session: Session, posting: Posting, founder: Organisation,
                 name: str = "") -> Consortium:
    """A groupement from scratch: the founder is its mandataire until it says otherwise."""
    check_founder(posting, founder)
    consortium = Consortium(name=name.strip() or f"Groupement {founder.name}", posting=posting,
                            created_by_id=founder.id, status="forming", explanation="")
    consortium.members.append(_member(founder.id, "lead", [], "accepted"))
    session.add(consortium)
    session.flush()
    refresh_explanation(consortium)
    return consortium


def _proposal_members(proposal: Proposal, founder_id: int,
                      numbered: bool) -> list[ConsortiumMember]:
    """The proposal's members; a founder inside it leads, else it joins as a cotraitant."""
    inside = any(int(m.candidate_id) == founder_id for m in proposal.members)
    rows = []
    for m in proposal.members:
        org_id, role = int(m.candidate_id), m.role.value
        if inside and role == "lead" and org_id != founder_id:
            role = "co_contractor"
        if org_id == founder_id:
            role = "lead" if inside else role
        lots = [int(lot) for lot in m.lots] if numbered else []
        rows.append(_member(org_id, role, lots, "accepted" if org_id == founder_id else "invited"))
    if not inside:
        rows.append(_member(founder_id, "co_contractor", [], "accepted"))
    return rows


def create_from_proposal(session: Session, proposals: ProposalSet, proposal: Proposal,
                         founder: Organisation) -> Consortium:
    """Form a proposed groupement: the founder's place is accepted, the others are invited."""
    posting = proposals.posting
    inside = any(int(m.candidate_id) == founder.id for m in proposal.members)
    check_founder(posting, founder, "lead" if inside else "co_contractor")
    unit = proposals.chain.label if proposals.chain else "lots du marché"
    consortium = Consortium(name=f"Groupement {proposal.lead.name} · {posting.title}"[:200],
                            posting=posting, created_by_id=founder.id, status="forming",
                            explanation=f"Proposé par Essaim ({unit}).")
    members = _proposal_members(proposal, founder.id, proposals.chain is None)
    for member in members:  # statuses may have changed since the proposal was computed
        check_place(posting, session.get(Organisation, member.organisation_id), member.role,
                    member.lot_numbers)
    consortium.members.extend(members)
    session.add(consortium)
    session.flush()
    refresh_explanation(consortium)
    for member in consortium.members:
        if member.invitation_status == "invited":
            notify_invited(session, consortium, session.get(Organisation, member.organisation_id),
                            founder)
    return consortium


def notify_invited(session: Session, consortium: Consortium, invitee: Organisation,
                    by: Organisation) -> None:
    notify(session, invitee, "consortium_invitation",
           f"{by.name} vous invite à rejoindre le groupement « {consortium.name} » pour "
           f"répondre à « {consortium.posting.title} ».", consortium_url(consortium))


def invite_proposal(session: Session, proposals: ProposalSet, proposal: Proposal) -> int:
    """The buyer asks a proposed groupement to bid: each member organisation is notified."""
    posting = proposals.posting
    names = ", ".join(m.name for m in proposal.members)
    for m in proposal.members:
        organisation = session.get(Organisation, int(m.candidate_id))
        notify(session, organisation, "consortium_suggestion",
               f"{posting.organisation.name} vous invite à candidater à « {posting.title} » en "
               f"groupement avec : {names} (vous y seriez {ROLES[m.role.value]}).",
               f"/groupements/proposer/{posting.id}")
    return len(proposal.members)
