"""Map CPV and NAF codes to Nantes Métropole's ten filières de coopération.

The mapping is data (matching/data/cpv_filieres.tsv, naf_filieres.tsv) so it can be read and
argued with; docs/sectors.md gives the rules and the coverage. A code takes the filières of its
longest listed prefix; "-" marks a prefix deliberately mapped to none. Run
`python -m matching.sectors` to print the coverage on the repository's data.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILIERES = (
    "eco-construction", "energie-citoyenne", "reemploi", "alimentation",
    "numerique-responsable", "sante", "habitat-inclusif", "logistique-urbaine",
    "mobilite-inclusive", "culture-citoyennete",
)
DATA_DIR = Path(__file__).resolve().parent / "data"
NONE_MARK = "-"
_CPV = re.compile(r"^(\d{2,8})(?:-\d)?$")
_NAF = re.compile(r"^(\d{2})(\d{0,2})([A-Z]?)$")


@dataclass(frozen=True)
class SectorRule:
    prefix: str
    filieres: frozenset[str]
    note: str


def load_rules(path: Path) -> dict[str, SectorRule]:
    """Read a prefix → filières TSV (comment lines start with #); unknown ids are an error."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        rules = [_rule(row) for row in csv.DictReader(lines, delimiter="\t")]
    return {rule.prefix: rule for rule in rules}


def _rule(row: dict[str, str]) -> SectorRule:
    names = frozenset() if row["filieres"] == NONE_MARK else frozenset(row["filieres"].split(","))
    unknown = names - set(FILIERES)
    if unknown:
        raise ValueError(f"unknown filière {sorted(unknown)} for prefix {row['prefix']}")
    return SectorRule(row["prefix"], names, row["note"])


@lru_cache(maxsize=2)
def _rules(kind: str) -> dict[str, SectorRule]:
    return load_rules(DATA_DIR / f"{kind}_filieres.tsv")


def normalise_cpv(code: str) -> str | None:
    """Digits of a CPV code or prefix (« 45000000-7 » → « 45000000 »), None if malformed.

    Seven digits are a code whose leading zero a spreadsheet dropped (DECP « 9132100 »).
    """
    match = _CPV.match((code or "").strip())
    if not match:
        return None
    digits = match.group(1)
    return digits.zfill(8) if len(digits) == 7 else digits


def normalise_naf(code: str) -> str | None:
    """Compact NAF code (« 43.91A » or « 4391a » → « 4391A », « 43.9 » → « 439 »), or None."""
    compact = (code or "").strip().upper().replace(".", "").replace(" ", "")
    match = _NAF.match(compact)
    if not match or (match.group(3) and len(match.group(2)) != 2):
        return None
    return compact


def _longest(code: str | None, rules: dict[str, SectorRule]) -> SectorRule | None:
    if not code:
        return None
    for size in range(len(code), 1, -1):
        rule = rules.get(code[:size])
        if rule is not None:
            return rule
    return None


def cpv_rule(code: str) -> SectorRule | None:
    """The rule that decides a CPV code's filières (for explanations), or None."""
    return _longest(normalise_cpv(code), _rules("cpv"))


def naf_rule(code: str) -> SectorRule | None:
    """The rule that decides a NAF code's filières (for explanations), or None."""
    return _longest(normalise_naf(code), _rules("naf"))


def filieres_for_cpv(code: str) -> set[str]:
    """Filières of a CPV code; empty when none applies or the code is malformed."""
    rule = cpv_rule(code)
    return set(rule.filieres) if rule else set()


def filieres_for_naf(code: str) -> set[str]:
    """Filières of a NAF code (sub-class, class, group or division); empty when none applies."""
    rule = naf_rule(code)
    return set(rule.filieres) if rule else set()


def coverage(codes: Iterable[str], mapper: Callable[[str], set[str]]) -> tuple[int, int]:
    """(codes with at least one filière, all codes)."""
    flags = [bool(mapper(code)) for code in codes]
    return sum(flags), len(flags)


def _column(path: Path, name: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def main(data_dir: Path = DATA_DIR.parents[1] / "data") -> None:
    """Print the mapping's coverage on the repository's CPV, DECP, NAF and SIAE files."""
    checks = [
        ("codes CPV 2008", _column(data_dir / "cpv2008_fr_en.csv", "code"), filieres_for_cpv),
        ("lignes DECP 2018-2019", _column(data_dir / "decp" / "decp_2018_2019_flat.csv",
                                          "code_cpv"), filieres_for_cpv),
        ("sous-classes NAF", _column(data_dir / "naf_rev2_fr.csv", "code_naf"), filieres_for_naf),
        ("SIAE (NAF)", _column(data_dir / "suppliers" / "siae_lemarche_fixture.csv", "naf"),
         filieres_for_naf),
    ]
    for label, codes, mapper in checks:
        hit, total = coverage(codes, mapper)
        print(f"{label}: {hit}/{total} = {hit / total:.1%}")


if __name__ == "__main__":
    main()
