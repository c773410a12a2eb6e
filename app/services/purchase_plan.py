"""Purchase-plan analysis, the SPASER use case: which planned purchases the local ESS can serve.

For each line of a buyer's plan: the CPV code (given, or suggested by `matching.cpv`), the
filières it maps to (`matching.sectors`), the suitable local ESS suppliers found by the matcher
(with why), whether a reserved market (SIAE, art. L2113-13 CCP; EA/ESAT, art. L2113-12) or a
social clause is feasible given that supply, and a groupement for multi-trade lines; then a
summary by filière. The rules and their thresholds are argued in docs/purchase-plan.md.

Plain inputs and outputs (dicts of str, numbers and lists): the web page, the CSV, the
printable page and a future API all read the same stored snapshot (`PurchasePlan.result`).
Uploading stores the parsed lines and emits PLAN_UPLOADED; the job queue runs `analyse_plan`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.infra.index_holder import current_index
from app.services.consortia.proposals import lot_fits
from app.services.cpv_suggestions import get_suggester
from app.services.matching_profiles import org_key, parse_key
from app.services.plan_groupements import groupement, trades
from app.services.plan_reader import PlanLine, read_plan
from matching.api import Matcher, query_text
from matching.geo import distance_km
from matching.sectors import cpv_rule
from matching.text import tokens
from matching.thesaurus import default_thesaurus
from matching.types import Need, Suggestion
from models import CpvCode, Filiere, NotAllowed, Organisation, PurchasePlan
from models.change_log import emit

PLAN_UPLOADED = "purchase_plan_uploaded"
BUYER_KINDS = frozenset({"public_buyer"})
PER_LINE_K = 40  # suggestions read per line and per reservation before the filters below
SUITABLE_FIT = 0.45  # between the builder's cover threshold (0.35) and « weak fit » (0.5)
THEME_FIT = 0.3  # enough when the supplier shares a thesaurus theme with the line
# Themes saying who works rather than what is done: the SIAE and EA/ESAT flags count those.
STATUS_THEMES = frozenset({"~insertion", "~handicap", "~handicap-travail"})
LOCAL_KM = 40.0  # or anywhere in the metropole
SUPPLIERS_KEPT = 8  # listed per line (all are counted)
RESERVED_MIN = 3  # eligible local suppliers for a reserved market to draw real competition
CLAUSE_MIN_AMOUNT = 40_000  # € HT: below, a purchase needs neither publicity nor competition
CLAUSE_MIN_SOCIAL = 1  # one SIAE or EA/ESAT able to take the insertion hours
POTENTIALS = ("fort", "moyen", "faible", "aucun")
NO_FILIERE = "sans-filiere"
log = logging.getLogger(__name__)


# -- uploading ----------------------------------------------------------------------------
def is_buyer(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind in BUYER_KINDS


def known_cpv(session: Session) -> set[str]:
    return set(session.scalars(select(CpvCode.code)))


def upload_plan(session: Session, organisation: Organisation, user_id: int | None,
                data: bytes, filename: str) -> PurchasePlan:
    """Read the file (PlanFileError in French when it cannot be), store the plan, and ask
    the job queue to analyse it; NotAllowed unless the organisation is a buyer."""
    if not is_buyer(organisation):
        raise NotAllowed("L'analyse de plan d'achats est réservée aux acheteurs publics.")
    lines = read_plan(data, filename, known_cpv(session))
    plan = PurchasePlan(organisation=organisation, uploaded_by_id=user_id,
                        filename=Path(filename or "plan").name[:200], status="pending",
                        line_count=len(lines), lines=[line.as_dict() for line in lines])
    session.add(plan)
    session.flush()
    emit(session, PLAN_UPLOADED, plan_id=plan.id)
    return plan


def plans_of(session: Session, organisation_id: int) -> list[PurchasePlan]:
    return list(session.scalars(select(PurchasePlan).where(
        PurchasePlan.organisation_id == organisation_id).order_by(PurchasePlan.id.desc())))


# -- the analysis (a job) ------------------------------------------------------------------
def analyse_plan(session: Session, plan_id: int, instance_dir: Path | str) -> None:
    """Compute and store the plan's analysis (idempotent: a rerun overwrites the snapshot)."""
    plan = session.get(PurchasePlan, plan_id)
    if plan is None:
        return
    lines = [PlanLine(**line) for line in plan.lines]
    try:
        plan.result = analyse_lines(session, plan.organisation, lines, instance_dir)
        plan.status = "done"
    except DBAPIError:
        raise  # transient (locked, serialisation failure): the queue runs the event again
    except Exception:  # a bug must not leave the buyer on « calcul en cours » for ever
        log.exception("purchase plan %s: analysis failed", plan_id)
        plan.result, plan.status = None, "failed"
    plan.analysed_at = datetime.now(UTC)
    session.flush()


def analyse_lines(session: Session, buyer: Organisation, lines: list[PlanLine],
                  instance_dir: Path | str) -> dict:
    """{"lines": [per-line analysis], "summary": [by filière], "totals": {…}} (plain data)."""
    cpvs = _cpv_per_line(session, lines, instance_dir)
    filiere_names = dict(session.execute(select(Filiere.id, Filiere.name)).all())
    commune = buyer.commune
    lat = buyer.lat if buyer.lat is not None else (commune.lat if commune else None)
    lon = buyer.lon if buyer.lon is not None else (commune.lon if commune else None)
    needs = [Need(id=f"plan:{line.number}", text="", title=line.objet, type="tender",
                  filieres=frozenset(cpv["filieres"]), lat=lat, lon=lon,
                  requester_id=org_key(buyer.id),
                  in_metropole=commune.in_metropole if commune else None)
             for line, cpv in zip(lines, cpvs, strict=True)]
    analysed, themes = [], Themes()
    with current_index().suppliers.using(session) as matcher:
        vectors = (matcher.encoder.encode_queries([query_text(n, False) for n in needs])
                   if matcher.use_dense and needs else [None] * len(needs))
        for line, cpv, need, vector in zip(lines, cpvs, needs, vectors, strict=True):
            need = replace(need, vector=vector)
            row = _line_analysis(matcher, line, cpv, need, filiere_names, themes)
            labels = trades(line.objet)
            row["groupement"] = groupement(session, matcher, need, labels) if labels else None
            analysed.append(row)
    return {"lines": analysed, "summary": summary(analysed, filiere_names),
            "totals": totals(analysed), "rules": rules()}


def rules() -> dict:
    """The thresholds the analysis used (shown on the report, kept with the snapshot)."""
    return {"reserved_min": RESERVED_MIN, "clause_min_amount": CLAUSE_MIN_AMOUNT,
            "clause_min_social": CLAUSE_MIN_SOCIAL, "suitable_fit": SUITABLE_FIT,
            "theme_fit": THEME_FIT, "local_km": LOCAL_KM}


def _cpv_per_line(session: Session, lines: list[PlanLine], instance_dir) -> list[dict]:
    """The CPV of each line: the buyer's, else the suggester's first; with its filières."""
    to_suggest = [line.objet for line in lines if not line.cpv]
    suggested = iter(get_suggester(instance_dir).suggest_many(to_suggest, 3)
                     if to_suggest else [])
    given = {line.cpv for line in lines if line.cpv}
    labels = dict(session.execute(select(CpvCode.code, CpvCode.label).where(
        CpvCode.code.in_(given))).all()) if given else {}
    found = []
    for line in lines:
        if line.cpv:
            code, label, source, score = line.cpv, labels.get(line.cpv, ""), "fourni", None
        else:
            best = next(suggested)[0]
            code, label, source, score = best.code, best.label_fr, "suggéré", round(best.score, 3)
        rule = cpv_rule(code)
        found.append({"code": code, "label": label, "source": source, "score": score,
                      "filieres": sorted(rule.filieres) if rule else [],
                      "rule": f"{rule.prefix} : {rule.note}" if rule else ""})
    return found


def _line_analysis(matcher: Matcher, line: PlanLine, cpv: dict, need: Need,
                   filiere_names: dict[str, str], themes: Themes) -> dict:
    suppliers = local_ess_suppliers(matcher, need, themes)
    siae = [s for s in suppliers if s["siae"]]
    ea_esat = [s for s in suppliers if s["ea_esat"]]
    verdict = feasibility(line.amount, len(suppliers), len(siae), len(ea_esat))
    return {
        "number": line.number, "objet": line.objet, "amount": line.amount,
        "planned": line.planned, "cpv": cpv,
        "filieres": [{"id": f, "name": filiere_names.get(f, f)} for f in cpv["filieres"]],
        "supplier_count": len(suppliers), "siae_count": len(siae),
        "ea_esat_count": len(ea_esat), "suppliers": suppliers[:SUPPLIERS_KEPT], **verdict,
    }


class Themes:
    """Thesaurus concepts of texts (« tonte » and « espaces verts » share one), memoised: the
    same profiles come back line after line."""

    def __init__(self) -> None:
        self.known: dict[str, frozenset[str]] = {}

    def of(self, key: str, text: str) -> frozenset[str]:
        if key not in self.known:
            found = frozenset(default_thesaurus().concepts(tokens(text)))
            self.known[key] = found - STATUS_THEMES
        return self.known[key]


def suitable(fit: float, shares_words: bool, shares_theme: bool) -> bool:
    """A fit good enough with a word or theme in common, or lower with a theme in common."""
    return (fit >= SUITABLE_FIT and shares_words) or (fit >= THEME_FIT and shares_theme)


def local_ess_suppliers(matcher: Matcher, need: Need, themes: Themes | None = None
                        ) -> list[dict]:
    """Suitable local ESS organisations for a need, best fit first, one entry each.

    Three queries share the line's vector: unreserved (the reference the fits are normalised
    on, as for groupements), then SIAE-only and EA/ESAT-only, so that eligible structures are
    counted even when many others rank above them."""
    themes = themes or Themes()
    wanted = themes.of(need.id, need.full_text)
    reference = matcher.suggest_suppliers(need, PER_LINE_K)
    fits = lot_fits(reference, reference, matcher.ranker.weights)
    found = {s.id: s for s in reference}
    for reservation in ("siae", "ea_esat"):
        hits = matcher.suggest_suppliers(replace(need, reserved=reservation), PER_LINE_K)
        fits.update(lot_fits(hits, reference, matcher.ranker.weights))
        found.update((s.id, s) for s in hits if s.id not in found)
    best: dict[str, dict] = {}
    for profile_id, fit in fits.items():
        organisation = _ess_organisation(matcher, profile_id)
        if organisation is None or not _local(organisation, need):
            continue
        profile = matcher.profiles[profile_id]
        shared_theme = bool(wanted & themes.of(profile_id, profile.full_text))
        if not suitable(fit, bool(found[profile_id].components.get("sparse")), shared_theme):
            continue
        entry = _supplier(organisation, found[profile_id], fit, matcher, need)
        if organisation.id not in best or fit > best[organisation.id]["fit"]:
            best[organisation.id] = entry
    return sorted(best.values(), key=lambda s: (-s["fit"], s["name"]))


def _ess_organisation(matcher: Matcher, profile_id: str):
    """The ESS organisation behind a profile (an offer counts for its publisher), else None."""
    profile = matcher.profiles.get(profile_id)
    if profile is not None and profile.kind == "offer":
        profile = matcher.profiles.get(profile.owner_id or "")
    return profile if profile is not None and profile.kind == "ess" else None


def _local(profile, need: Need) -> bool:
    if profile.in_metropole:
        return True
    km = distance_km(profile.lat, profile.lon, need.lat, need.lon)
    return km is not None and km <= LOCAL_KM


def _supplier(organisation, suggestion: Suggestion, fit: float, matcher: Matcher,
              need: Need) -> dict:
    via = matcher.profiles[suggestion.id]
    km = distance_km(organisation.lat, organisation.lon, need.lat, need.lon)
    return {"id": parse_key(organisation.id)[1], "name": organisation.title,
            "fit": round(fit, 3), "siae": organisation.siae, "ea_esat": organisation.ea_esat,
            "commune": organisation.commune or "",
            "km": round(km) if km is not None else None,
            "offer": via.title if via.kind == "offer" else None,
            "why": suggestion.explanation}


def feasibility(amount: float, suppliers: int, siae: int, ea_esat: int) -> dict:
    """Reserved market, social clause and potential for one line, with the reasons in French."""
    reserved = [kind for kind, count in (("siae", siae), ("ea_esat", ea_esat))
                if count >= RESERVED_MIN]
    social = siae + ea_esat
    clause = amount >= CLAUSE_MIN_AMOUNT and social >= CLAUSE_MIN_SOCIAL
    reasons = []
    for kind, count, article, label in (("siae", siae, "L2113-13", "SIAE"),
                                        ("ea_esat", ea_esat, "L2113-12", "EA/ESAT")):
        if kind in reserved:
            reasons.append(f"Marché réservé {label} possible (art. {article} CCP) : {count} "
                           f"structures {label} locales adaptées (seuil : {RESERVED_MIN}).")
        elif count:
            reasons.append(f"Marché réservé {label} risqué : {count} structure"
                           f"{'s' if count > 1 else ''} {label} locale{'s' if count > 1 else ''}"
                           f" adaptée{'s' if count > 1 else ''}, moins de {RESERVED_MIN}.")
    if clause:
        reasons.append(f"Clause sociale d'insertion possible : montant ≥ "
                       f"{CLAUSE_MIN_AMOUNT:,} € HT".replace(",", " ")
                       + f" et {social} structure{'s' if social > 1 else ''} d'insertion ou "
                         f"du handicap pour porter les heures.")
    elif social and amount < CLAUSE_MIN_AMOUNT:
        reasons.append("Clause sociale peu utile : montant inférieur à "
                       f"{CLAUSE_MIN_AMOUNT:,} € HT".replace(",", " ")
                       + " ; un achat direct auprès d'une structure d'insertion est possible.")
    if not suppliers:
        reasons.append("Aucun fournisseur local de l'ESS adapté dans l'annuaire.")
    if reserved:
        potential = "fort"
    elif clause or suppliers >= RESERVED_MIN:
        potential = "moyen"
    elif suppliers:
        potential = "faible"
    else:
        potential = "aucun"
    return {"reserved": reserved, "clause": clause, "potential": potential, "reasons": reasons}


# -- summaries and exports -----------------------------------------------------------------
def summary(lines: list[dict], filiere_names: dict[str, str]) -> list[dict]:
    """One row per filière (a line with two filières counts in both; « Sans filière » last)."""
    rows: dict[str, dict] = defaultdict(lambda: {"lines": 0, "amount": 0.0, "reserved": 0,
                                                 "clause": 0, "with_suppliers": 0,
                                                 "amount_reachable": 0.0})
    for line in lines:
        for filiere in [f["id"] for f in line["filieres"]] or [NO_FILIERE]:
            row = rows[filiere]
            row["lines"] += 1
            row["amount"] += line["amount"]
            row["reserved"] += bool(line["reserved"])
            row["clause"] += line["clause"]
            row["with_suppliers"] += line["supplier_count"] > 0
            if line["reserved"] or line["clause"]:
                row["amount_reachable"] += line["amount"]
    order = [f for f in filiere_names if f in rows] + ([NO_FILIERE] if NO_FILIERE in rows
                                                        else [])
    return [{"id": f, "name": filiere_names.get(f, "Sans filière"), **rows[f],
             "amount": round(rows[f]["amount"], 2),
             "amount_reachable": round(rows[f]["amount_reachable"], 2)} for f in order]


def totals(lines: list[dict]) -> dict:
    amount = sum(line["amount"] for line in lines)
    reachable = sum(line["amount"] for line in lines if line["reserved"] or line["clause"])
    return {"lines": len(lines), "amount": round(amount, 2),
            "reserved": sum(bool(line["reserved"]) for line in lines),
            "clause": sum(line["clause"] for line in lines),
            "with_suppliers": sum(line["supplier_count"] > 0 for line in lines),
            "groupements": sum(bool(line["groupement"] and line["groupement"]["feasible"])
                               for line in lines),
            "amount_reachable": round(reachable, 2),
            "by_potential": {p: sum(line["potential"] == p for line in lines)
                             for p in POTENTIALS}}


RESERVATION_LABELS = {"siae": "SIAE (L2113-13)", "ea_esat": "EA/ESAT (L2113-12)"}
LINES_HEADER = ("ligne", "objet", "montant_estime_eur_ht", "date", "cpv", "cpv_libelle",
                "cpv_origine", "filieres", "fournisseurs_ess_locaux", "dont_siae",
                "dont_ea_esat", "marche_reserve_possible", "clause_sociale_possible",
                "potentiel", "groupement_propose", "fournisseurs", "explication")


def line_rows(result: dict) -> list[list]:
    """The per-line CSV rows (then `summary_rows`), from a stored analysis."""
    rows = []
    for line in result["lines"]:
        group = line.get("groupement") or {}
        rows.append([
            line["number"], line["objet"], line["amount"], line["planned"],
            line["cpv"]["code"], line["cpv"]["label"], line["cpv"]["source"],
            ", ".join(f["name"] for f in line["filieres"]), line["supplier_count"],
            line["siae_count"], line["ea_esat_count"],
            ", ".join(RESERVATION_LABELS[r] for r in line["reserved"]), line["clause"],
            line["potential"],
            " ; ".join(f"{m['name']} ({m['role']} : {', '.join(m['lots'])})"
                       for m in group.get("members", [])),
            " ; ".join(s["name"] for s in line["suppliers"]), " ".join(line["reasons"]),
        ])
    return rows


SUMMARY_HEADER = ("filiere", "lignes", "montant_eur_ht", "lignes_avec_fournisseurs_ess",
                  "marches_reserves_possibles", "clauses_sociales_possibles",
                  "montant_accessible_eur_ht")


def summary_rows(result: dict) -> list[list]:
    return [[row["name"], row["lines"], row["amount"], row["with_suppliers"], row["reserved"],
             row["clause"], row["amount_reachable"]] for row in result["summary"]]
