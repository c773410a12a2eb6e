"""Where an organisation's SIAE, EA/ESAT and ESUS statuses come from (docs/legal-rules.md).

« déclaré »: the organisation's own profile (legal form, ESUS box). « vérifié »: its SIRET is in
an official file (the Marché de l'inclusion export), or an animator validated it with a note.
An animator may also refuse a declared status: it is then off everywhere (badges, reserved
shortlists, groupements) and the profile form no longer re-declares it. Every decision is kept
(StatusDecision: who, when, source, note); groupements holding the organisation are re-checked.
"""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.services.consortia.lifecycle import recheck_after_status_change
from app.services.notify import notify
from app.services.viewer import Viewer
from models import LegalForm, NotAllowed, Organisation, StatusDecision, ValidationError
from models.organisation import STATUS_KINDS, STATUS_LABELS, VERIFIED_SOURCES

KEPT_SOURCES = VERIFIED_SOURCES | {"refused"}  # the profile form cannot override these
NOTE_MAX = 1000


def declared_statuses(legal_form: LegalForm | None, esus: bool) -> dict[str, bool]:
    """What a profile declares: SIAE and EA/ESAT follow from the legal form, ESUS is ticked."""
    return {"siae": bool(legal_form and legal_form.is_siae),
            "ea_esat": bool(legal_form and legal_form.is_ea_esat), "esus": bool(esus)}


def declare(organisation: Organisation, legal_form: LegalForm | None, esus: bool) -> None:
    """Apply a self-declaration; a verified or refused status is kept as decided."""
    for kind, value in declared_statuses(legal_form, esus).items():
        if organisation.status_source(kind) in KEPT_SOURCES:
            continue
        setattr(organisation, kind, value)
        setattr(organisation, f"{kind}_source", "declared")


def status_snapshot(organisation: Organisation) -> tuple[bool, ...]:
    return tuple(organisation.has_status(kind) for kind in STATUS_KINDS)


def _check_kind(kind: str) -> None:
    if kind not in STATUS_KINDS:
        raise ValidationError("Statut inconnu.", "status")


def record_decision(session: Session, organisation: Organisation, kind: str, decision: str,
                    source: str, note: str, user_id: int | None) -> StatusDecision:
    """Set a status verified or refused, keep who/when/why, re-check its groupements."""
    setattr(organisation, kind, decision == "verified")
    setattr(organisation, f"{kind}_source", source if decision == "verified" else "refused")
    row = StatusDecision(organisation_id=organisation.id, status=kind, decision=decision,
                         source=source, note=note, decided_by_id=user_id)
    session.add(row)
    session.flush()
    recheck_after_status_change(session, organisation)  # its groupements' rules and wording
    return row


def verify_official(session: Session, organisation: Organisation, kinds: list[str],
                    note: str) -> list[str]:
    """Mark statuses verified from an official file (SIRET match); returns those changed."""
    changed = []
    for kind in kinds:
        _check_kind(kind)
        if organisation.status_source(kind) == "official" and organisation.has_status(kind):
            continue
        record_decision(session, organisation, kind, "verified", "official", note, None)
        changed.append(kind)
    return changed


def decide(session: Session, organisation: Organisation, kind: str, accept: bool, note: str,
           viewer: Viewer, user_id: int) -> StatusDecision:
    """An animator validates or refuses a declared status, with a note; the organisation is
    told (notification, e-mailed after the commit through the outbox)."""
    if not viewer.animator:
        raise NotAllowed()
    _check_kind(kind)
    note = (note or "").strip()
    if not note:
        raise ValidationError("Indiquez ce que vous avez vérifié (pièce, source, échange).",
                              "note")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"La note dépasse {NOTE_MAX} caractères.", "note")
    if not organisation.has_status(kind) or organisation.status_source(kind) != "declared":
        raise ValidationError("Ce statut n'attend plus de validation.", "status")
    decision = "verified" if accept else "refused"
    row = record_decision(session, organisation, kind, decision, "animator", note, user_id)
    label = STATUS_LABELS[kind]
    text = (f"Votre statut {label} est vérifié par l'animateur d'Essaim." if accept else
            f"Votre statut {label} déclaré n'a pas été retenu par l'animateur d'Essaim : {note}")
    notify(session, organisation, "status_decision", text, f"/annuaire/{organisation.id}")
    return row


@dataclass(frozen=True)
class PendingStatus:
    organisation: Organisation
    kind: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.kind]


def pending(session: Session) -> list[PendingStatus]:
    """Declared statuses waiting for an animator, oldest organisations first."""
    conditions = [(getattr(Organisation, k).is_(True))
                  & (getattr(Organisation, f"{k}_source") == "declared") for k in STATUS_KINDS]
    rows = session.scalars(select(Organisation).where(or_(*conditions))
                           .order_by(Organisation.created_at, Organisation.id))
    return [PendingStatus(org, kind) for org in rows for kind in STATUS_KINDS
            if org.has_status(kind) and org.status_source(kind) == "declared"]


def history(session: Session, organisation_id: int) -> list[StatusDecision]:
    return list(session.scalars(select(StatusDecision).where(
        StatusDecision.organisation_id == organisation_id).order_by(StatusDecision.id.desc())))
