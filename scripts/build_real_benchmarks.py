"""Derive the real-data benchmarks of issue #10 from public contracts (DECP 2018-2019) and SIAE.

Usage: .venv/bin/python scripts/build_real_benchmarks.py OUT_DIR [--data DIR] [--test-queries 400]

Writes BEIR-layout folders that ``python -m matching.evaluate`` reads (corpus.jsonl,
queries.jsonl, qrels/test.tsv, query_tags.tsv, README.md, counts.json):

- ``decp_test``: the DECP time split. Profiles are the holders (by SIREN) of the contracts
  notified before 2019-02-01 (and undated ones), with those contracts as ``references``;
  queries are the contracts notified from 2019-02-01 on; the qrel is the actual winner.
- ``decp_val``: the validation month (January 2019), profiles cut at 2019-01-01 so that a
  query's own contract is never in its winner's references.
- ``decp_train``: December 2018, profiles cut at 2018-12-01: training pairs for a ranker.
- ``siae``: DECP contracts won by an SIAE of the Marché de l'inclusion file, the winner ranked
  among all its SIAE (profile: kind, NAF label, city, description; no contract history).
- ``decp_train_cold`` / ``decp_val_cold``: the training and validation months again, but the
  holders as a newcomer to the marketplace would be known: a name and a place, no contract
  history. No DECP holder has an address; its place is where it worked most
  before the cutoff (département, and the commune when the rows give one). These are the only
  training data where locality varies among organisations without references: the SIAE set's
  situation, which may not be learned from.

Rules (issue #10): contracts won by an organisation of the SIAE file never enter the DECP sets
(neither as references nor as queries), so nothing learned from those sets has seen them; test
rows (``looks_like_test``) are dropped. The output is deterministic (sorted, no clock, no
randomness): sampling the test queries keeps the first ``--test-queries`` by a hash of their id.
Data: ``data/`` of this repository by default (a copy of ``shared/data/``, see
``data/DATA_SOURCES.md``); ``--data ../shared/data`` reads the team folder (same files).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECP_FILE = "decp/decp_2018_2019_flat.csv"
SIAE_FILE = "suppliers/siae_lemarche_fixture.csv"
COMMUNES_FILES = ("communes_france_laposte2020.csv", "geo/communes_france_laposte2020.csv")
TEST_CUTOFF = "2019-02-01"  # test months start here; everything learned is before it
SPLITS = {  # name: (profile cutoff, first query date, end of queries (excluded), sampled)
    "decp_train": ("2018-12-01", "2018-12-01", "2019-01-01", False),
    "decp_val": ("2019-01-01", "2019-01-01", TEST_CUTOFF, False),
    "decp_test": (TEST_CUTOFF, TEST_CUTOFF, "9999-12-31", True),
}
COLD_SPLITS = {f"{name}_cold": SPLITS[name] for name in ("decp_train", "decp_val")}
MAX_PROFILE_SUBJECTS = 50  # distinct subjects written into a profile's text (all in references)
SIAE_PREFIX = "siae-"


# -- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contract:
    """One DECP row, cleaned: ISO date or None, holders as SIREN (foreign ids dropped)."""

    row: int
    objet: str
    buyer: str
    buyer_name: str
    cpv: str | None
    departement: str | None
    date: str | None
    amount: float | None
    holders: tuple[str, ...]
    holder_sirets: tuple[str, ...]
    holder_names: tuple[str, ...]
    place: tuple[str, str]  # (lieu_type_code, lieu_code)

    @property
    def key(self) -> tuple[str, str]:
        """One tender = one buyer and one subject (lots and co-holders are several rows)."""
        return (self.buyer[:9], fold(self.objet))

    def reference(self) -> dict[str, object]:
        return {"objet": self.objet, "cpv": self.cpv, "buyer": self.buyer,
                "buyer_name": self.buyer_name, "departement": self.departement,
                "date": self.date, "amount": self.amount}


def fold(text: str) -> str:
    """Lower-case, accents and U+FFFD removed, spaces collapsed: one key per subject."""
    text = unicodedata.normalize("NFKD", text.replace("\ufffd", "")).encode("ascii", "ignore")
    return re.sub(r"\W+", " ", text.decode().lower()).strip()


def iso_date(value: str) -> str | None:
    """``2018-07-12+02:00`` → ``2018-07-12``; malformed years (``0218-10-29``) → None."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    return match.group(0) if match and 2000 <= int(match.group(1)) <= 2030 else None


def siren_of(identifier: str) -> str | None:
    """SIREN of a holder id when it is a SIRET or SIREN (VAT, TAHITI, RIDET… → None)."""
    digits = re.sub(r"\s", "", identifier)
    return digits[:9] if re.fullmatch(r"\d{9}|\d{14}", digits) else None


def _amount(value: str) -> float | None:
    try:
        amount = float(value)
    except ValueError:
        return None
    return amount if amount > 0 else None


def read_contracts(data: Path) -> list[Contract]:
    """Every non-test DECP row (holders without a SIREN are dropped, not the row)."""
    contracts = []
    with open(data / DECP_FILE, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if row["looks_like_test"] == "1" or not row["objet"].strip():
                continue
            ids = row["titulaires_siret"].split("|")
            names = row["titulaires_nom"].split("|")
            names += [""] * (len(ids) - len(names))
            kept = [(siren_of(i), re.sub(r"\s", "", i), n.strip())
                    for i, n in zip(ids, names, strict=False) if siren_of(i)]
            contracts.append(Contract(
                row=number, objet=row["objet"].strip(), buyer=row["acheteur_siret"],
                buyer_name=row["acheteur_nom"].strip(),
                cpv=row["cpv8"] if row["cpv_valid"] == "1" else None,
                departement=row["lieu_departement_guess"] or None,
                date=iso_date(row["date_notification"]), amount=_amount(row["montant"]),
                holders=tuple(k[0] for k in kept), holder_sirets=tuple(k[1] for k in kept),
                holder_names=tuple(k[2] for k in kept),
                place=(row["lieu_type_code"], row["lieu_code"].strip())))
    return contracts


def read_siae(data: Path) -> list[dict[str, str]]:
    with open(data / SIAE_FILE, encoding="utf-8", newline="") as handle:
        return sorted(csv.DictReader(handle), key=lambda r: int(r["lemarche_pk"]))


class Places:
    """Place of execution → (lat, lon): a commune code, else the centroid of a postcode."""

    def __init__(self, data: Path) -> None:
        path = next(data / f for f in COMMUNES_FILES if (data / f).is_file())
        self.by_insee: dict[str, tuple[float, float]] = {}
        by_postcode: dict[str, list[tuple[float, float]]] = defaultdict(list)
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if not row["lat"]:
                    continue
                point = (float(row["lat"]), float(row["lon"]))
                self.by_insee[row["code_insee"]] = point
                for code in row["codes_postaux"].split("|"):
                    by_postcode[code].append(point)
        self.by_postcode = {code: (round(sum(p[0] for p in pts) / len(pts), 5),
                                   round(sum(p[1] for p in pts) / len(pts), 5))
                            for code, pts in by_postcode.items()}

    def locate(self, place: tuple[str, str]) -> tuple[float, float] | None:
        kind, code = place
        if kind == "Code commune":
            return self.by_insee.get(code) or self.by_postcode.get(code)
        if kind == "Code postal":
            return self.by_postcode.get(code) or self.by_insee.get(code)
        return None  # département, région, pays: only the département is kept


# -- building ---------------------------------------------------------------------------------
@dataclass
class Benchmark:
    corpus: list[dict] = field(default_factory=list)
    queries: list[dict] = field(default_factory=list)
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)


def stable_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def siae_won(contract: Contract, siae_sirens: set[str]) -> bool:
    return any(h in siae_sirens for h in contract.holders)


def group_tenders(contracts: Iterable[Contract]) -> dict[tuple[str, str], list[Contract]]:
    groups: dict[tuple[str, str], list[Contract]] = defaultdict(list)
    for contract in contracts:
        groups[contract.key].append(contract)
    return groups


def query_record(key: tuple[str, str], rows: list[Contract], places: Places) -> dict:
    """A tender as a query: its subject, buyer, CPV, place and earliest date."""
    first = min(rows, key=lambda c: (c.date or "9999", c.row))
    meta: dict[str, object] = {
        "type": "tender", "buyer": first.buyer, "buyer_name": first.buyer_name,
        "cpv": first.cpv, "departement": first.departement, "date": first.date}
    point = places.locate(first.place)
    if point:
        meta["lat"], meta["lon"] = point
    return {"_id": "q" + stable_hash("|".join(key))[:12], "text": first.objet,
            "metadata": {k: v for k, v in meta.items() if v is not None}}


def holder_profiles(past: list[Contract]) -> dict[str, dict]:
    """One profile per SIREN: its usual name, its past subjects as text, contracts as references."""
    by_holder: dict[str, list[Contract]] = defaultdict(list)
    names: dict[str, Counter] = defaultdict(Counter)
    for contract in past:
        for siren, name in zip(contract.holders, contract.holder_names, strict=True):
            by_holder[siren].append(contract)
            if name:
                names[siren][name] += 1
    profiles = {}
    for siren, rows in sorted(by_holder.items()):
        rows.sort(key=lambda c: (c.date or "", c.row), reverse=True)  # newest first
        subjects = list(dict.fromkeys(c.objet for c in rows))[:MAX_PROFILE_SUBJECTS]
        usual = sorted(names[siren].items(), key=lambda kv: (-kv[1], kv[0]))
        title = usual[0][0] if usual else siren
        profiles[siren] = {"_id": siren, "title": title, "text": " ; ".join(subjects),
                           "metadata": {"kind": "company",
                                        "references": [c.reference() for c in rows]}}
    return profiles


def cold_profiles(profiles: dict[str, dict], past: list[Contract],
                  places: Places) -> dict[str, dict]:
    """The holders as newcomers: their name, and where they worked most as their place."""
    depts: dict[str, Counter] = defaultdict(Counter)
    spots: dict[str, Counter] = defaultdict(Counter)
    for contract in past:
        point = places.locate(contract.place)
        for siren in contract.holders:
            if contract.departement:
                depts[siren][contract.departement] += 1
            if point:
                spots[siren][point] += 1
    cold = {}
    for siren, profile in profiles.items():
        meta: dict[str, object] = {"kind": "company"}
        if depts[siren]:
            meta["departement"] = _most(depts[siren])
        if spots[siren]:
            meta["lat"], meta["lon"] = _most(spots[siren])
        cold[siren] = {"_id": siren, "title": profile["title"], "text": profile["title"],
                       "metadata": meta}
    return cold


def _most(counts: Counter):
    """The most frequent key, the smallest on ties (deterministic)."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _tags(need: dict, winners: list[dict]) -> list[str]:
    """Hard-case tags: has the winner worked for this buyer, in this CPV division, before?"""
    meta = need["metadata"]
    refs = [r for w in winners for r in w["metadata"]["references"]]
    tags = ["known_buyer" if any(str(r["buyer"])[:9] == meta["buyer"][:9] for r in refs)
            else "new_buyer"]
    if meta.get("cpv"):
        seen = any((r["cpv"] or "")[:2] == meta["cpv"][:2] for r in refs)
        tags.append("cpv_division_seen" if seen else "cpv_division_new")
    return tags


def time_split(contracts: list[Contract], siae_sirens: set[str], places: Places,
               cutoff: str, start: str, end: str, sample: int | None = None,
               cold: bool = False) -> Benchmark:
    """Holders of contracts before ``cutoff`` (and undated) ranked for tenders in [start, end);
    ``cold``: the holders known by name and place only (``cold_profiles``)."""
    usable = [c for c in contracts if c.holders and not siae_won(c, siae_sirens)]
    tenders = group_tenders(c for c in usable if c.date and start <= c.date < end)
    # an undated row that repeats a query's tender could be that very contract: not history
    past = [c for c in usable if (c.date is None and c.key not in tenders)
            or (c.date is not None and c.date < cutoff)]
    profiles = holder_profiles(past)
    shown = cold_profiles(profiles, past, places) if cold else profiles
    bench = Benchmark(corpus=list(shown.values()))
    pool = []
    for key, rows in tenders.items():
        winners = sorted({h for c in rows for h in c.holders if h in profiles})
        if winners:
            pool.append((query_record(key, rows, places), winners))
    pool.sort(key=lambda item: stable_hash(item[0]["_id"]))
    chosen = pool[:sample] if sample else pool
    for need, winners in sorted(chosen, key=lambda item: item[0]["_id"]):
        bench.queries.append(need)
        bench.qrels[need["_id"]] = {w: 1 for w in winners}
        bench.tags[need["_id"]] = _tags(need, [profiles[w] for w in winners])
    bench.notes = {
        "profile_cutoff": cutoff, "queries_from": start, "queries_before": end,
        "profiles": len(profiles), "past_contracts": len(past),
        "tenders_in_period": len(tenders), "tenders_with_a_past_winner": len(pool),
        "queries": len(bench.queries),
        "dropped_siae_won_rows": sum(1 for c in contracts if siae_won(c, siae_sirens)),
        "undated_rows_dropped_as_query_duplicates": sum(
            1 for c in usable if c.date is None and c.key in tenders)}
    return bench


def siae_profile(row: dict[str, str]) -> dict:
    """An SIAE as the marketplace knows one: kind, NAF label, city, description."""
    text = ". ".join(p for p in (row["kind_label"], row["naf_label"], row["city"],
                                 row["description"].strip()) if p)
    meta: dict[str, object] = {"kind": "ess", "siae": True, "naf": row["naf"] or None,
                               "commune": row["city"] or None, "legal_form": row["legal_form"],
                               "departement": row["department"] or None}
    if row["lat"] and row["lon"]:
        meta["lat"], meta["lon"] = float(row["lat"]), float(row["lon"])
    return {"_id": SIAE_PREFIX + row["lemarche_pk"], "title": row["brand"] or row["name"],
            "text": text, "metadata": {k: v for k, v in meta.items() if v is not None}}


def siae_winners(contracts: list[Contract], siae: list[dict[str, str]],
                 places: Places) -> Benchmark:
    """Tenders won by an SIAE of the file; the winner's establishment(s) are the qrels."""
    by_siret = {r["siret"]: SIAE_PREFIX + r["lemarche_pk"] for r in siae}
    by_siren: dict[str, list[str]] = defaultdict(list)
    for r in siae:
        by_siren[r["siren"]].append(SIAE_PREFIX + r["lemarche_pk"])
    siae_sirens = set(by_siren)
    bench = Benchmark(corpus=[siae_profile(r) for r in siae])
    tenders = group_tenders(c for c in contracts if siae_won(c, siae_sirens))
    exact = 0
    for key, rows in sorted(tenders.items()):
        sirets = {s for c in rows for s in c.holder_sirets if s in by_siret}
        winners = ({by_siret[s] for s in sirets} if sirets
                   else {d for c in rows for h in c.holders for d in by_siren.get(h, ())})
        exact += bool(sirets)
        need = query_record(key, rows, places)
        bench.queries.append(need)
        bench.qrels[need["_id"]] = {w: 1 for w in sorted(winners)}
        bench.tags[need["_id"]] = ["exact_siret" if sirets else "siren_only"]
    bench.queries.sort(key=lambda q: q["_id"])
    bench.notes = {"profiles": len(bench.corpus), "siae_sirens": len(siae_sirens),
                   "rows_won_by_siae": sum(len(r) for r in tenders.values()),
                   "queries": len(bench.queries), "queries_with_exact_siret": exact}
    return bench


# -- writing ----------------------------------------------------------------------------------
def _jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def write(bench: Benchmark, folder: Path, name: str, description: str) -> None:
    (folder / "qrels").mkdir(parents=True, exist_ok=True)
    _jsonl(folder / "corpus.jsonl", bench.corpus)
    _jsonl(folder / "queries.jsonl", bench.queries)
    with open(folder / "qrels" / "test.tsv", "w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        for qid in sorted(bench.qrels):
            handle.writelines(f"{qid}\t{doc}\t{g}\n" for doc, g in sorted(bench.qrels[qid].items()))
    with open(folder / "query_tags.tsv", "w", encoding="utf-8") as handle:
        handle.write("query-id\ttags\n")
        handle.writelines(f"{qid}\t{','.join(bench.tags[qid])}\n" for qid in sorted(bench.tags))
    (folder / "counts.json").write_text(json.dumps(bench.notes, indent=1, sort_keys=True) + "\n")
    counts = "\n".join(f"- {k}: {v}" for k, v in sorted(bench.notes.items()))
    (folder / "README.md").write_text(
        f"# {name}\n\n{description}\n\nBuilt by `scripts/build_real_benchmarks.py` "
        f"(Essaim repository) from DECP 2018-2019 (Licence Ouverte 2.0, via "
        f"ColinMaudry/decp-json) and the Marché de l'inclusion SIAE file; provenance in "
        f"`data/DATA_SOURCES.md`. Do not commit: rebuild it.\n\n## Counts\n\n{counts}\n",
        encoding="utf-8")


DESCRIPTIONS = {
    "decp_train": "DECP time split, training month: tenders notified in December 2018; "
                  "profiles = holders (SIREN) of contracts notified before 2018-12-01 or undated.",
    "decp_val": "DECP time split, validation month: tenders notified in January 2019; profiles "
                "= holders (SIREN) of contracts notified before 2019-01-01 or undated.",
    "decp_test": "DECP time split, test months: tenders notified from 2019-02-01 on; profiles "
                 "= holders (SIREN) of contracts notified before 2019-02-01 or undated. Report "
                 "figures on it, never tune on it.",
    "decp_train_cold": "Cold-start variant of decp_train: the same tenders and holders, each "
                       "holder known by its name and the place where it worked most before "
                       "2018-12-01 (no contract history).",
    "decp_val_cold": "Cold-start variant of decp_val: the same tenders and holders, each holder "
                     "known by its name and the place where it worked most before 2019-01-01 "
                     "(no contract history).",
    "siae": "SIAE winners: DECP tenders won by an SIAE of the Marché de l'inclusion file, the "
            "winner ranked among all its SIAE (kind, NAF label, city, description).",
}


def build(data: Path, out: Path, test_queries: int | None = 400) -> dict[str, dict]:
    """Build every set into ``out``; returns their counts."""
    contracts, siae, places = read_contracts(data), read_siae(data), Places(data)
    siae_sirens = {r["siren"] for r in siae}
    counts = {}
    for name, (cutoff, start, end, sampled) in SPLITS.items():
        bench = time_split(contracts, siae_sirens, places, cutoff, start, end,
                           test_queries if sampled else None)
        write(bench, out / name, name, DESCRIPTIONS[name])
        counts[name] = bench.notes
    for name, (cutoff, start, end, _) in COLD_SPLITS.items():
        bench = time_split(contracts, siae_sirens, places, cutoff, start, end, cold=True)
        write(bench, out / name, name, DESCRIPTIONS[name])
        counts[name] = bench.notes
    bench = siae_winners(contracts, siae, places)
    write(bench, out / "siae", "siae", DESCRIPTIONS["siae"])
    counts["siae"] = bench.notes
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="output folder (one sub-folder per set)")
    parser.add_argument("--data", type=Path, default=ROOT / "data",
                        help="folder with decp/, suppliers/ and the communes file")
    parser.add_argument("--test-queries", type=int, default=400,
                        help="test tenders kept (hash-sampled, 0 = all)")
    args = parser.parse_args(argv)
    counts = build(args.data, args.out, args.test_queries or None)
    print(json.dumps(counts, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
