"""CPV and NAF → filières mapping: representative codes, input formats, data integrity."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matching.sectors import (
    DATA_DIR,
    FILIERES,
    coverage,
    cpv_rule,
    filieres_for_cpv,
    filieres_for_naf,
    load_rules,
    normalise_cpv,
    normalise_naf,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(("code", "expected"), [
    ("45261210", {"eco-construction"}),                  # roofing
    ("45000000-7", {"eco-construction"}),                # DECP format with check digit
    ("45211341", {"eco-construction", "habitat-inclusif"}),  # flats
    ("45321000", {"eco-construction", "energie-citoyenne"}),  # thermal insulation
    ("45233120", set()),                                 # road works: civil engineering
    ("60000000", {"logistique-urbaine", "mobilite-inclusive"}),
    ("60130000", {"mobilite-inclusive"}),                # special passenger transport
    ("60161000", {"logistique-urbaine"}),                # parcel transport
    ("55520000", {"alimentation"}),                      # catering
    ("55523100", {"alimentation"}),                      # school meals
    ("90500000", {"reemploi"}),                          # waste services: resource economy
    ("90514000", {"reemploi"}),                          # recycling
    ("90513000", set()),                                 # incineration and landfill
    ("90524400", set()),                                 # hospital waste
    ("85311200", {"sante", "habitat-inclusif"}),         # social work with accommodation
    ("98513310", {"sante"}),                             # home help
    ("72267000", {"numerique-responsable"}),
    ("92310000", {"culture-citoyennete"}),
    ("9331200", {"energie-citoyenne"}),                  # leading zero lost: 09331200 PV modules
    ("66510000", set()),                                 # insurance: no filière
    ("not a code", set()),
])
def test_filieres_for_cpv(code, expected):
    assert filieres_for_cpv(code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("38.32Z", {"reemploi"}),                            # sorted waste recovery
    ("3832Z", {"reemploi"}),
    ("38.11Z", {"reemploi"}),                            # non-hazardous waste collection
    ("38.12Z", set()),                                   # hazardous waste collection
    ("43.91A", {"eco-construction"}),
    ("4391a", {"eco-construction"}),
    ("43.29A", {"eco-construction", "energie-citoyenne"}),  # insulation
    ("43", {"eco-construction"}),                        # division only
    ("43.9", {"eco-construction"}),                      # group only
    ("88.10A", {"sante"}),                               # aide à domicile
    ("88.10C", set()),                                   # ESAT: says nothing about the trade
    ("88.99B", set()),                                   # generic social action (most ACI)
    ("49.41A", {"logistique-urbaine"}),
    ("49.32Z", {"mobilite-inclusive"}),
    ("95.22Z", {"reemploi"}),                            # appliance repair (Envie)
    ("95.29Z", {"reemploi", "mobilite-inclusive"}),      # includes bicycle repair
    ("56.29A", {"alimentation"}),
    ("62.01Z", {"numerique-responsable"}),
    ("81.30Z", set()),                                   # landscaping: no filière (gap)
    ("", set()),
    ("4X.11", set()),
])
def test_filieres_for_naf(code, expected):
    assert filieres_for_naf(code) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("43.91A", "4391A"), ("4391A", "4391A"), (" 43.91a ", "4391A"), ("43.9", "439"),
    ("43", "43"), ("43.9A", None), ("abc", None), ("", None),
])
def test_normalise_naf(raw, expected):
    assert normalise_naf(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("45000000-7", "45000000"), ("45000000", "45000000"), ("9132100", "09132100"),
    ("452", "452"), ("4", None), ("45-000", None),
])
def test_normalise_cpv(raw, expected):
    assert normalise_cpv(raw) == expected


def test_rule_carries_its_note():
    assert "civil engineering" in cpv_rule("45233120").note


@pytest.mark.parametrize("kind", ["cpv", "naf"])
def test_every_filiere_is_reachable(kind):
    rules = load_rules(DATA_DIR / f"{kind}_filieres.tsv")
    assert set().union(*(r.filieres for r in rules.values())) == set(FILIERES)


def test_unknown_filiere_is_rejected(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("# comment\nprefix\tfilieres\tnote\n45\tbtp\twrong id\n", encoding="utf-8")
    with pytest.raises(ValueError, match="btp"):
        load_rules(path)


def _column(name: str, column: str) -> list[str]:
    path = REPO_DATA / name
    if not path.exists():
        pytest.skip(f"{path} absent")
    with open(path, encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("kind", "name", "column"), [
    ("cpv", "cpv2008_fr_en.csv", "code"), ("naf", "naf_rev2_fr.csv", "code_naf_compact"),
])
def test_every_prefix_is_a_real_code_prefix(kind, name, column):
    codes = _column(name, column)
    rules = load_rules(DATA_DIR / f"{kind}_filieres.tsv")
    orphans = [p for p in rules if not any(code.startswith(p) for code in codes)]
    assert orphans == []


def test_coverage_on_real_data():
    hit, total = coverage(_column("decp/decp_2018_2019_flat.csv", "code_cpv"), filieres_for_cpv)
    assert total == 10245 and hit / total > 0.5
    hit, total = coverage(_column("naf_rev2_fr.csv", "code_naf"), filieres_for_naf)
    assert total == 732 and hit / total > 0.3
