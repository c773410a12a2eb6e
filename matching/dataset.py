"""BEIR-layout benchmark folders turned into Profiles, Needs, qrels and hard-case tags.

Real-data extension fields (issue #10): corpus ``references`` (list of ``{objet, cpv, buyer,
buyer_name, departement, date, amount}``) and ``naf``; queries ``buyer``, ``buyer_name``,
``cpv``, ``departement``, ``date``.

Geography: ``lat``/``lon`` in a record's metadata when present, else its commune through the
folder's ``communes.tsv``, else the project's French communes reference. Unknown fields are
ignored and missing ones tolerated.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.geo import CommuneTable, france_communes, read_communes_tsv
from matching.types import Need, Profile, Reference

KINDS = {"public": "public_buyer", "public_buyer": "public_buyer", "company": "company",
         "network": "network", "offer": "offer", "ess": "ess"}


@dataclass
class Dataset:
    profiles: list[Profile]
    needs: list[Need]
    qrels: dict[str, dict[str, int]]
    tags: dict[str, list[str]] = field(default_factory=dict)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _place(meta: dict[str, Any], communes: CommuneTable) -> dict[str, Any]:
    """lat, lon and in_metropole of a record, from explicit fields or its commune."""
    commune = communes.lookup(meta.get("commune"))
    lat, lon = meta.get("lat"), meta.get("lon")
    if lat is None or lon is None:
        lat, lon = (commune.lat, commune.lon) if commune else (None, None)
    in_metro = meta.get("in_metropole", commune.in_metropole if commune else None)
    return {"lat": lat, "lon": lon, "in_metropole": in_metro}


def _filieres(meta: dict[str, Any]) -> frozenset[str]:
    values = meta.get("filieres") or meta.get("filiere") or []
    return frozenset([values] if isinstance(values, str) else values)


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def reference_from(item: dict[str, Any]) -> Reference:
    """One past contract of a corpus record's ``references`` list."""
    amount = item.get("amount")
    return Reference(
        objet=str(item.get("objet") or ""), cpv=_text_or_none(item.get("cpv")),
        buyer=_text_or_none(item.get("buyer")), buyer_name=_text_or_none(item.get("buyer_name")),
        departement=_text_or_none(item.get("departement")), date=_text_or_none(item.get("date")),
        amount=float(amount) if amount not in (None, "") else None)


def profile_from(doc: dict[str, Any], communes: CommuneTable) -> Profile:
    meta = doc.get("metadata") or {}
    return Profile(
        id=str(doc["_id"]), text=doc.get("text", ""), title=doc.get("title", ""),
        kind=KINDS.get(meta.get("kind", "ess"), "ess"), filieres=_filieres(meta),
        siae=bool(meta.get("siae")), ea_esat=bool(meta.get("ea_esat")),
        esus=bool(meta.get("esus")), qpv=bool(meta.get("qpv")),
        headcount=meta.get("headcount"), legal_form=meta.get("legal_form"),
        active=meta.get("active", True), commune=meta.get("commune"),
        references=tuple(reference_from(r) for r in meta.get("references") or ()),
        naf=_text_or_none(meta.get("naf")), departement=_text_or_none(meta.get("departement")),
        **_place(meta, communes))


def need_from(query: dict[str, Any], communes: CommuneTable) -> Need:
    meta = query.get("metadata") or {}
    return Need(
        id=str(query["_id"]), text=query.get("text", ""), type=meta.get("type") or "tender",
        filieres=_filieres(meta), reserved=meta.get("reserved") or None,
        max_km=meta.get("max_km"), requester_id=meta.get("requester_id"),
        lots=tuple(meta.get("lots") or ()), buyer=_text_or_none(meta.get("buyer")),
        buyer_name=_text_or_none(meta.get("buyer_name")), cpv=_text_or_none(meta.get("cpv")),
        departement=_text_or_none(meta.get("departement")), date=_text_or_none(meta.get("date")),
        **_place(meta, communes))


def _tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _communes_for(folder: Path) -> CommuneTable:
    table = CommuneTable(france_communes().communes())
    for candidate in (folder / "communes.tsv", folder.parent / "communes.tsv"):
        if candidate.is_file():
            table.add(read_communes_tsv(candidate))
            break
    return table


def load_dataset(folder: str | Path) -> Dataset:
    """Read corpus.jsonl, queries.jsonl, qrels/test.tsv and (optional) query_tags.tsv."""
    folder = Path(folder)
    communes = _communes_for(folder)
    qrels: dict[str, dict[str, int]] = {}
    for row in _tsv(folder / "qrels" / "test.tsv"):
        qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    tags_file = folder / "query_tags.tsv"
    tags = {r["query-id"]: [t for t in (r.get("tags") or "").split(",") if t]
            for r in _tsv(tags_file)} if tags_file.is_file() else {}
    return Dataset([profile_from(d, communes) for d in _jsonl(folder / "corpus.jsonl")],
                   [need_from(q, communes) for q in _jsonl(folder / "queries.jsonl")],
                   qrels, tags)
