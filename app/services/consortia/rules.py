"""The reserved-market rules of a groupement (docs/legal-rules.md), checked by every service
that changes one, and its explanation computed from the members it has now.

- On a market reserved to SIAE (art. L2113-13 of the code de la commande publique) or to
  EA/ESAT (art. L2113-12), the mandataire and every cotraitant sign the market: each must hold
  the status. On a reserved lot, every mandataire or cotraitant holding that lot must.
- A sous-traitant need not hold it (the code reserves the market to its holders; subcontracting
  follows art. L2193-1 s.), but a reserved lot must be held by an eligible mandataire or
  cotraitant, never by sous-traitants alone.
- A declared status counts and is labelled « déclaré » (Organisation.eligible_for).
"""

from models import Consortium, ConsortiumMember, Organisation, Posting, ValidationError

RESERVATION_FR = {"siae": "SIAE", "ea_esat": "EA/ESAT"}
ARTICLE = {"siae": "art. L2113-13 du code de la commande publique",
           "ea_esat": "art. L2113-12 du code de la commande publique"}
STATUS_FR = {"siae": "une SIAE", "ea_esat": "une entreprise adaptée ou un ESAT"}
LOT_ROLES = frozenset({"lead", "co_contractor"})  # they sign the market and hold its lots
ROLE_FR = {"lead": "mandataire", "co_contractor": "cotraitant", "subcontractor": "sous-traitant"}


def _reservation(value: str | None) -> str | None:
    return value if value in RESERVATION_FR else None


def market_reservation(posting: Posting | None) -> str | None:
    return _reservation(posting.reserved) if posting else None


def lot_reservations(posting: Posting | None) -> dict[int, str]:
    """{lot number: reservation} for the tender's reserved lots."""
    lots = posting.lots if posting else []
    return {lot.number: lot.reserved for lot in lots if _reservation(lot.reserved)}


def required(posting: Posting | None, role: str, lots: list[int]) -> list[str]:
    """The statuses a member with this role and these lots must hold."""
    if role not in LOT_ROLES:
        return []
    market = market_reservation(posting)
    per_lot = lot_reservations(posting)
    needed = {market} if market else set()
    needed |= {per_lot[n] for n in lots or [] if n in per_lot}
    return sorted(needed)


def member_problem(posting: Posting | None, organisation: Organisation, role: str,
                   lots: list[int]) -> str | None:
    """Why this organisation may not take this place (French), or None if it may."""
    for reservation in required(posting, role, lots):
        if organisation.eligible_for(reservation):
            continue
        where = ("ce marché est réservé" if reservation == market_reservation(posting)
                 else "ce lot est réservé")
        return (f"{organisation.name} n'est pas {STATUS_FR[reservation]} : {where} aux "
                f"{RESERVATION_FR[reservation]} ({ARTICLE[reservation]}), son mandataire et "
                f"ses cotraitants doivent l'être. Elle peut seulement y être sous-traitante.")
    return None


def check_place(posting: Posting | None, organisation: Organisation, role: str,
                lots: list[int], field: str = "organisation") -> None:
    """Refuse, in French, a place that would break the market's reservation."""
    problem = member_problem(posting, organisation, role, lots)
    if problem:
        raise ValidationError(problem, field)


def places(consortium: Consortium) -> list[ConsortiumMember]:
    """Members still in the groupement (declined ones are out), in the order they joined."""
    return [m for m in consortium.members if m.invitation_status != "declined"]


def violations(consortium: Consortium) -> list[str]:
    """Every reservation rule the current members break (empty: the groupement respects them)."""
    posting = consortium.posting
    out = [problem for m in places(consortium)
           if (problem := member_problem(posting, m.organisation, m.role, m.lot_numbers))]
    accepted = [m for m in consortium.members if m.invitation_status == "accepted"]
    for number, reservation in sorted(lot_reservations(consortium.posting).items()):
        holders = [m for m in accepted if number in (m.lot_numbers or [])]
        signed = [m for m in holders if m.role in LOT_ROLES
                  and m.organisation.eligible_for(reservation)]
        if holders and not signed:
            out.append(f"Le lot {number} est réservé aux {RESERVATION_FR[reservation]} : il doit "
                       f"être tenu par un mandataire ou un cotraitant "
                       f"{RESERVATION_FR[reservation]}, pas seulement par des sous-traitants.")
    return out


def require_rules(consortium: Consortium) -> None:
    problems = violations(consortium)
    if problems:
        raise ValidationError("Le groupement ne respecte pas la réservation du marché. "
                              + " ".join(problems), "status")


# -- explanation -------------------------------------------------------------------------------
def status_text(organisation: Organisation, kind: str) -> str:
    source = "vérifié" if organisation.status_verified(kind) else "déclaré"
    return f"{RESERVATION_FR.get(kind, kind.upper())} ({source})"


def member_line(member: ConsortiumMember) -> str:
    org = member.organisation
    statuses = [status_text(org, kind) for kind in RESERVATION_FR if org.has_status(kind)]
    lots = member.lot_numbers or []
    parts = [ROLE_FR[member.role]] + statuses
    if lots:
        parts.append("lot" + ("s " if len(lots) > 1 else " ") + ", ".join(map(str, sorted(lots))))
    if member.invitation_status == "invited":
        parts.append("invitation en attente")
    return f"{org.name} : " + ", ".join(parts) + "."


def reservation_lines(consortium: Consortium) -> list[str]:
    """What the reservation asks and whether the current members meet it, never more."""
    reservations = sorted({r for r in [market_reservation(consortium.posting),
                                       *lot_reservations(consortium.posting).values()] if r})
    if not reservations:
        return []
    problems = violations(consortium)
    if problems:
        return ["Réservation non respectée : " + " ".join(problems)]
    lines = []
    members = places(consortium)
    for reservation in reservations:
        label = RESERVATION_FR[reservation]
        outside = sorted(m.organisation.name for m in members
                         if not m.organisation.eligible_for(reservation))
        declared = sorted(m.organisation.name for m in members
                          if m.organisation.has_status(reservation)
                          and not m.organisation.status_verified(reservation))
        scope = ("Marché réservé" if reservation == market_reservation(consortium.posting)
                 else "Lot(s) réservé(s)")
        if not outside:
            line = f"{scope} {label} ({ARTICLE[reservation]}) : tous les membres sont {label}."
        else:
            line = (f"{scope} {label} ({ARTICLE[reservation]}) : le mandataire et les "
                    f"cotraitants concernés sont {label} ; non {label}, en sous-traitance ou sur "
                    f"un lot non réservé : {', '.join(outside)}.")
        if declared:
            line += (f" Statut {label} déclaré, non encore vérifié (l'acheteur le contrôle) : "
                     f"{', '.join(declared)}.")
        lines.append(line)
    return lines


def explain(consortium: Consortium) -> list[str]:
    """The groupement's explanation, from the members it has now (a removed one is never named)."""
    origin = [line for line in (consortium.explanation or "").splitlines()[:1]
              if line.startswith("Proposé par Essaim")]
    lines = origin + [member_line(m) for m in sorted(
        places(consortium), key=lambda m: (m.role != "lead", m.role, m.organisation.name))]
    lines += reservation_lines(consortium)
    if consortium.rules_flag:
        lines.append(consortium.rules_flag)
    return lines


def refresh_explanation(consortium: Consortium) -> None:
    consortium.explanation = "\n".join(explain(consortium))
