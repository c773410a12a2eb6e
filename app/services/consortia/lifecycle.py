"""Life of a groupement once formed: invitations and answers, roles and lots, and the status
rules (forming → complete → submitted, complete → forming to edit again)."""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.services.consortia.formation import (
    ROLES,
    consortium_url,
    for_organisations,
    managers,
    notify_invited,
    places,
    require_forming,
    require_manager,
)
from app.services.consortia.proposals import MEMBER_KINDS
from app.services.consortia.rules import (
    check_place,
    refresh_explanation,
    require_rules,
    violations,
)
from app.services.follow_up import record
from app.services.notify import notify
from app.services.races import added_once
from app.services.viewer import Viewer
from models import (
    Consortium,
    ConsortiumMember,
    NotAllowed,
    Organisation,
    Posting,
    ValidationError,
)
from models.validators import normalise_siret

SIRET = re.compile(r"\d{14}")


def find_organisation(session: Session, text: str) -> Organisation | None:
    """An organisation from what the invite field holds: a SIRET, an id, or its exact name."""
    text = (text or "").strip()
    digits = SIRET.search(text.replace(" ", ""))
    if digits:
        return session.scalar(select(Organisation).where(
            Organisation.siret == normalise_siret(digits.group())))
    if text.isdigit():
        return session.get(Organisation, int(text))
    return session.scalars(select(Organisation).where(
        func.lower(Organisation.name) == text.lower()).order_by(Organisation.id)).first()


def invite(session: Session, consortium: Consortium, invitee: Organisation | None,
           viewer: Viewer, by: Organisation, role: str = "co_contractor") -> ConsortiumMember:
    """Invite an organisation (again, if it had declined) in a role; it is notified and
    e-mailed. On a reserved market an organisation without the status is refused, in French,
    unless it is invited as a sous-traitant."""
    require_manager(consortium, viewer)
    require_forming(consortium)
    if invitee is None:
        raise ValidationError("Organisation introuvable : indiquez son SIRET, son numéro ou "
                              "choisissez-la dans la liste.", "organisation")
    if invitee.kind not in MEMBER_KINDS or invitee.id == consortium.posting.organisation_id:
        raise ValidationError("Seuls un acteur de l'ESS ou une entreprise (autre que "
                              "l'acheteur) peuvent rejoindre un groupement.", "organisation")
    if role not in ROLES or role == "lead":
        raise ValidationError("Invitez comme cotraitant ou sous-traitant ; le rôle de "
                              "mandataire se change ensuite.", "role")
    check_place(consortium.posting, invitee, role, [])
    member = _place_of(consortium, invitee)
    if member is None:
        member = ConsortiumMember(organisation_id=invitee.id, role=role,
                                  lot_numbers=[], invitation_status="invited")
        if not added_once(session, lambda: consortium.members.append(member)):
            session.expire(consortium, ["members"])  # a simultaneous invitation won
            member = _place_of(consortium, invitee)
    if member is None:
        raise ValidationError(f"{invitee.name} fait déjà partie du groupement.", "organisation")
    member.invitation_status, member.role, member.lot_numbers = "invited", role, []
    refresh_explanation(consortium)
    session.flush()
    notify_invited(session, consortium, invitee, by)
    return member


def _place_of(consortium: Consortium, invitee: Organisation) -> ConsortiumMember | None:
    """The invitee's row if it declined (to invite again); refused if it holds a place."""
    member = next((m for m in consortium.members if m.organisation_id == invitee.id), None)
    if member is not None and member.invitation_status != "declined":
        raise ValidationError(f"{invitee.name} fait déjà partie du groupement.", "organisation")
    return member


def answer(session: Session, consortium: Consortium, organisation_id: int, accept: bool,
           viewer: Viewer) -> ConsortiumMember:
    """The invited organisation accepts or declines; the creator is told."""
    member = next((m for m in consortium.members if m.organisation_id == organisation_id), None)
    if member is None or organisation_id not in viewer.organisation_ids:
        raise NotAllowed()
    require_forming(consortium)
    if member.invitation_status != "invited":
        raise ValidationError("Cette invitation a déjà reçu une réponse.", "invitation_status")
    if accept:  # its status may have changed since it was invited
        check_place(consortium.posting, member.organisation, member.role, member.lot_numbers,
                    "invitation_status")
    member.invitation_status = "accepted" if accept else "declined"
    if not accept:
        member.lot_numbers = []
    refresh_explanation(consortium)
    verb = "accepte" if accept else "décline"
    notify(session, consortium.created_by, "consortium_answer",
           f"{member.organisation.name} {verb} l'invitation au groupement « {consortium.name} ».",
           consortium_url(consortium))
    session.flush()
    return member


def lot_numbers(consortium: Consortium) -> list[int]:
    return [lot.number for lot in consortium.posting.lots] if consortium.posting else []


def set_member(session: Session, consortium: Consortium, member: ConsortiumMember, role: str,
               lots: list[int], viewer: Viewer) -> ConsortiumMember:
    """Set a member's role and lots (lots must be the tender's)."""
    require_manager(consortium, viewer)
    require_forming(consortium)
    if role not in ROLES:
        raise ValidationError("Rôle inconnu.", "role")
    unknown = sorted(set(lots) - set(lot_numbers(consortium)))
    if unknown:
        raise ValidationError(f"Lot(s) inconnu(s) pour ce marché : {unknown}.", "lots")
    check_place(consortium.posting, member.organisation, role, lots, "role")
    member.role, member.lot_numbers = role, sorted(set(lots))
    refresh_explanation(consortium)
    session.flush()
    return member


def remove_member(session: Session, consortium: Consortium, member: ConsortiumMember,
                  viewer: Viewer) -> None:
    require_manager(consortium, viewer)
    require_forming(consortium)
    if member.organisation_id == consortium.created_by_id:
        raise ValidationError("Le créateur du groupement ne peut pas en être retiré.", "member")
    consortium.members.remove(member)
    refresh_explanation(consortium)
    session.flush()


# -- status -------------------------------------------------------------------------------------
def completeness_errors(consortium: Consortium) -> list[str]:
    """Why a groupement cannot be declared complete yet (empty list: it can)."""
    accepted = [m for m in consortium.members if m.invitation_status == "accepted"]
    errors = []
    pending = [m.organisation.name for m in consortium.members
               if m.invitation_status == "invited"]
    if pending:
        errors.append("Invitations sans réponse : " + ", ".join(pending) + ".")
    if len(accepted) < 2:
        errors.append("Un groupement réunit au moins deux organisations ayant accepté.")
    leads = [m for m in accepted if m.role == "lead"]
    if len(leads) != 1:
        errors.append(f"Il faut exactement un mandataire parmi les membres ayant accepté "
                      f"({len(leads)} actuellement).")
    covered = {n for m in accepted for n in m.lot_numbers}
    lots = consortium.posting.lots if consortium.posting else []
    missing = [lot for lot in lots if lot.number not in covered]
    if missing:
        errors.append("Lots sans titulaire : " + ", ".join(
            f"lot {lot.number} « {lot.title} »" for lot in missing) + ".")
    return errors + violations(consortium)


def mark_complete(session: Session, consortium: Consortium, viewer: Viewer) -> None:
    require_manager(consortium, viewer)
    require_forming(consortium)
    errors = completeness_errors(consortium)
    if errors:
        raise ValidationError("Le groupement n'est pas complet. " + " ".join(errors), "status")
    consortium.status = "complete"
    session.flush()


def reopen(session: Session, consortium: Consortium, viewer: Viewer) -> None:
    require_manager(consortium, viewer)
    if consortium.status != "complete":
        raise ValidationError("Seul un groupement complet (non déposé) peut être rouvert.",
                              "status")
    consortium.status = "forming"
    session.flush()


def submit(session: Session, consortium: Consortium, viewer: Viewer) -> None:
    """Declare the bid submitted: the buyer and every member are told."""
    require_manager(consortium, viewer)
    if consortium.status != "complete":
        raise ValidationError("Déclarez d'abord le groupement complet.", "status")
    posting = consortium.posting
    if posting is None or not posting.is_open:
        raise ValidationError("Ce besoin n'accepte plus de candidatures.", "status")
    require_rules(consortium)
    consortium.status = "submitted"
    record(session, posting.id, "applied", consortium_id=consortium.id)
    notify(session, posting.organisation, "consortium_submitted",
           f"Le groupement « {consortium.name} » a candidaté à « {posting.title} ».",
           consortium_url(consortium))
    for member in places(consortium):
        if member.organisation_id != consortium.created_by_id:
            notify(session, member.organisation, "consortium_submitted",
                   f"Le groupement « {consortium.name} » a déposé sa candidature.",
                   consortium_url(consortium))
    session.flush()


# -- a member's status or the tender's reservation changed --------------------------------------
def recheck_after_status_change(session: Session, organisation: Organisation) -> None:
    """A member gained or lost a status: its groupements are checked again (``recheck``)."""
    recheck(session, for_organisations(session, {organisation.id}))


def recheck_after_posting_change(session: Session, posting: Posting) -> None:
    """The buyer edited its tender (reservation, lots): every groupement answering it is
    checked again, and a place on a lot the tender no longer has is dropped."""
    numbers = {lot.number for lot in posting.lots}
    consortia = list(session.scalars(select(Consortium).where(
        Consortium.posting_id == posting.id).options(selectinload(Consortium.members))))
    for member in (m for c in consortia for m in c.members):
        if any(n not in numbers for n in member.lot_numbers or []):
            member.lot_numbers = [n for n in member.lot_numbers if n in numbers]
    recheck(session, consortia)


def recheck(session: Session, consortia: list[Consortium]) -> None:
    """A complete groupement that now breaks a reservation goes back to forming (it cannot
    be submitted so); a submitted one stays submitted (the bid is with the buyer) but is
    flagged, and its buyer and members are told."""
    for consortium in consortia:
        problems = violations(consortium)
        if consortium.status == "complete" and problems:
            consortium.status = "forming"
            for org_id in managers(consortium):
                notify(session, session.get(Organisation, org_id), "consortium_rules",
                       f"Le groupement « {consortium.name} » est repassé en constitution : "
                       + " ".join(problems), consortium_url(consortium))
        elif consortium.status == "submitted":
            _flag_submitted(session, consortium, problems)
        refresh_explanation(consortium)
    session.flush()


def _flag_submitted(session: Session, consortium: Consortium, problems: list[str]) -> None:
    flag = ("Depuis le dépôt de la candidature, la réservation du marché n'est plus respectée : "
            + " ".join(problems)) if problems else ""
    if flag == consortium.rules_flag:
        return
    consortium.rules_flag = flag
    if not flag:
        return
    told = [consortium.posting.organisation] if consortium.posting else []
    told += [m.organisation for m in places(consortium)]
    for org in told:
        notify(session, org, "consortium_rules", f"Groupement « {consortium.name} » : {flag}",
               consortium_url(consortium))
