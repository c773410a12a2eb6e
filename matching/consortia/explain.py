"""French explanations: who covers which lot and why, and what is weak in a proposal."""

from __future__ import annotations

from collections.abc import Sequence

from matching.consortia.problem import Problem
from matching.consortia.types import Lot, Member, Role, Tender

FAR_KM = 30.0  # a member farther than this from the anchor is flagged
MANY_MEMBERS = 5  # more members than this is flagged as heavy to coordinate
RESERVATION_FR = {"siae": "SIAE", "ea_esat": "EA/ESAT"}


def fr_num(value: float, digits: int = 2) -> str:
    """French decimal comma: 0.42 -> '0,42'."""
    return f"{value:.{digits}f}".replace(".", ",")


def lot_name(tender: Tender, li: int) -> str:
    return f"{tender.unit} {li + 1} « {tender.lots[li].label} »"


def _lot_reason(problem: Problem, li: int, holder: int, members: set[int]) -> str:
    fit = problem.fit[holder][li]
    best_i, best_f = problem.allowed[li][0]
    if best_f <= fit:
        return f"{lot_name(problem.tender, li)} (adéquation {fr_num(fit)}, la meilleure)"
    why = ("déjà mobilisé sur d'autres lots" if best_i in members
           else "non retenu ici : nombre de membres, distances ou diversité des propositions")
    return (f"{lot_name(problem.tender, li)} (adéquation {fr_num(fit)} ; meilleure "
            f"{fr_num(best_f)} chez {problem.pool[best_i].name}, {why})")


def _member_line(problem: Problem, member: Member, index: dict[str, int],
                 assignment: Sequence[int]) -> str:
    i = index[member.candidate_id]
    reasons = [_lot_reason(problem, li, i, set(assignment))
               for li, holder in enumerate(assignment) if holder == i]
    flags = [RESERVATION_FR[k] for k in ("siae", "ea_esat") if getattr(problem.pool[i], k)]
    tag = f", {'/'.join(flags)}" if flags else ""
    return (f"{member.name} ({member.role.label_fr}{tag}, {member.headcount} salariés, "
            f"{fr_num(member.distance_km, 0)} km) couvre : " + " ; ".join(reasons) + ".")


def _lead_line(problem: Problem, lead: Member) -> str:
    best = max(lead.fits)
    opts = problem.options
    if lead.headcount >= opts.min_lead_headcount and best >= opts.lead_fit_min:
        return (f"{lead.name} est mandataire : {lead.headcount} salariés (minimum "
                f"{opts.min_lead_headcount}) et adéquation {fr_num(best)} sur son lot principal.")
    return f"{lead.name} est mandataire faute de membre plus solide pour porter l'offre."


def _context_lines(problem: Problem, members: Sequence[Member],
                   index: dict[str, int]) -> list[str]:
    tender, lines = problem.tender, []
    orgs = [problem.pool[index[m.candidate_id]] for m in members]
    social = [c.name for c in orgs if c.social]
    if tender.insertion_hours > 0:
        lines.append(f"Clause sociale ({fr_num(tender.insertion_hours, 0)} h d'insertion) "
                     f"portée par : {', '.join(social)}.")
    if tender.reserved:
        lines.append(f"Marché réservé {RESERVATION_FR[tender.reserved]} : "
                     "tous les membres sont éligibles.")
    net = problem.options.prefer_network
    if net:
        inside = sum(net in c.networks for c in orgs)
        lines.append(f"{inside} membre(s) sur {len(members)} du réseau « {net} ».")
    return lines


def weaknesses(problem: Problem, members: Sequence[Member]) -> list[str]:
    """Weak points worth telling the user, e.g. « lot 3 couvert avec une adéquation faible »."""
    opts, tender, out = problem.options, problem.tender, []
    lot_index = {lot.id: li for li, lot in enumerate(tender.lots)}
    for m in members:
        for lot_id, f in zip(m.lots, m.fits, strict=True):
            if f < opts.weak_fit:
                li = lot_index[lot_id]
                out.append(f"{tender.unit} {li + 1} couvert avec une adéquation faible "
                           f"({fr_num(f)})")
    lead = next(m for m in members if m.role is Role.LEAD)
    if lead.headcount < opts.min_lead_headcount:
        out.append(f"mandataire de petite taille ({lead.headcount} salariés, "
                   f"{opts.min_lead_headcount} conseillés)")
    if max(lead.fits) < opts.lead_fit_min:
        out.append(f"mandataire peu spécialisé (adéquation {fr_num(max(lead.fits))})")
    far = max(members, key=lambda m: m.distance_km)
    if far.distance_km > FAR_KM:
        out.append(f"groupement étendu : {far.name} à {fr_num(far.distance_km, 0)} km")
    if len(members) > MANY_MEMBERS:
        out.append(f"groupement nombreux ({len(members)} membres) : coordination plus lourde")
    return out


def explain(problem: Problem, members: Sequence[Member],
            assignment: Sequence[int]) -> tuple[str, ...]:
    """Explanation lines for one proposal, lead first."""
    index = {c.id: i for i, c in enumerate(problem.pool)}
    lines = [f"Groupement de {len(members)} membre(s) mené par {members[0].name}.",
             _lead_line(problem, members[0])]
    lines += [_member_line(problem, m, index, assignment) for m in members]
    lines += _context_lines(problem, members, index)
    weak = weaknesses(problem, members)
    lines.append("Points faibles : " + ("; ".join(weak) if weak else "aucun relevé") + ".")
    return tuple(lines)


def uncovered_message(tender: Tender, lots: Sequence[Lot]) -> str:
    names = ", ".join(lot_name(tender, tender.lots.index(lot)) for lot in lots)
    return (f"Aucun groupement possible : aucune structure ne peut couvrir {names} "
            "(adéquation insuffisante, ou structure non éligible à la réservation).")


NO_SOCIAL_MESSAGE = ("Aucun groupement possible : la clause sociale exige une SIAE ou une "
                     "EA/ESAT, et aucune structure de ce type ne peut couvrir un lot.")
NO_SOLUTION_MESSAGE = ("Aucun groupement ne respecte toutes les contraintes (nombre de membres, "
                       "lots par membre, clause sociale) dans le temps imparti.")
