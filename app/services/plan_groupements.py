"""Multi-trade lines of a purchase plan: their trades, and a groupement able to cover them.

A line is multi-trade when it lists trades after a colon (« Réhabilitation : gros œuvre,
menuiseries, électricité ») or lists three or more items separated by commas; each item becomes
a lot. The lots are then solved as a tender is (`consortia.proposals`: per-lot fits from the
matcher, the consortium builder) with a short time limit, one proposal per line.
"""

import re
from dataclasses import replace

from sqlalchemy.orm import Session

from app.services.consortia.proposals import (
    fits_by_organisation,
    load_organisations,
    network_names,
    to_candidate,
)
from matching.api import Matcher, query_text
from matching.consortia import ConsortiumOptions, Lot, Tender, build_consortia
from matching.types import Need

GROUPEMENT_TIME_S = 0.5  # per line; the exact solver usually proves its answer in < 0.3 s
MAX_TRADES = 8
_ITEM_SPLIT = re.compile(r"\s*(?:[,;/+]|\bet\b|\bpuis\b)\s*", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*[,;]\s*")
_WORD = re.compile(r"[^\W\d_]{3,}")


def trades(objet: str) -> list[str]:
    """The trades a line lists (two or more), or [] for a single-trade line."""
    head, colon, tail = objet.partition(":")
    if colon:
        items = _ITEM_SPLIT.split(tail)
    else:
        items = _LIST_SPLIT.split(objet)
        if len(items) < 3:
            return []
    items = [item.strip(" .-") for item in items if _WORD.search(item or "")]
    unique = list(dict.fromkeys(items))
    return unique[:MAX_TRADES] if len(unique) >= 2 else []


def groupement(session: Session, matcher: Matcher, base: Need, labels: list[str]) -> dict:
    """The best groupement for the trades `labels` near the buyer, as plain data."""
    lots = [replace(base, id=f"{base.id}:lot:{i + 1}", title=label, text="",
                    filieres=frozenset(), lots=(), vector=None) for i, label in enumerate(labels)]
    if matcher.use_dense:  # one batch for every lot instead of one encoding per query
        vectors = matcher.encoder.encode_queries([query_text(lot, False) for lot in lots])
        lots = [replace(lot, vector=vector) for lot, vector in zip(lots, vectors, strict=True)]
    needs = [(str(i + 1), lot) for i, lot in enumerate(lots)]
    fits = fits_by_organisation(matcher, needs)
    organisations = load_organisations(session, fits)
    networks = network_names(session, organisations)
    candidates = [to_candidate(o, fits[i], networks[i]) for i, o in organisations.items()]
    tender = Tender(lots=tuple(Lot(lot_id, label) for (lot_id, _), label in zip(
        needs, labels, strict=True)), lat=base.lat, lon=base.lon)
    result = build_consortia(tender, candidates, ConsortiumOptions(
        n_proposals=1, time_limit_s=GROUPEMENT_TIME_S))
    lot_label = dict(zip((lot_id for lot_id, _ in needs), labels, strict=True))
    members = []
    if result.proposals:
        members = [{"id": int(m.candidate_id), "name": m.name, "role": m.role.label_fr,
                    "lots": [lot_label[lot] for lot in m.lots],
                    "social": _social(organisations.get(int(m.candidate_id)))}
                   for m in result.proposals[0].members]
    return {"lots": labels, "feasible": result.feasible and bool(members), "members": members,
            "uncovered": [lot_label[lot] for lot in result.uncovered_lots],
            "message": result.message}


def _social(organisation) -> bool:
    return bool(organisation and (organisation.siae or organisation.ea_esat))
