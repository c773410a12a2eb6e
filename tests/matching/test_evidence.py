"""Evidence signals on hand-made pairs: each says what it should, in French, and 0 otherwise."""

import pytest

from matching.evidence import (
    SIGNALS,
    ReferenceText,
    buyer_familiarity,
    cpv_history,
    cpv_level,
    departement_key,
    evidence,
    lines,
    naf_cpv,
    proximity,
    proximity_value,
    recency,
    same_departement,
    values,
    worked_in_departement,
)
from matching.types import Need, Profile, Reference

REZE = "21440143000012"
NANTES = "21440109300015"
REFS = (
    Reference("Tonte des pelouses et entretien des massifs", "77313000", NANTES,
              "Ville de Nantes", "44", "2018-11-02", 12000.0),
    Reference("Élagage des arbres d'alignement", "77211400", REZE, "Mairie de Rezé", "44",
              "2017-05-01"),
    Reference("Entretien des espaces verts du cimetière", "77310000", NANTES,
              "Ville de Nantes", "44", None),
    Reference("Fourniture de sel de déneigement", "34927100", "21490007800012",
              "Ville d'Angers", "49", "2016-01-15"),
)
GARDENER = Profile("jardins", "entretien d'espaces verts", references=REFS,
                   lat=47.21, lon=-1.55, departement="44", naf="8130Z")
NEWCOMER = Profile("nouveau", "paysagiste", lat=45.76, lon=4.84, departement="69")
TENDER = Need("q", "Entretien des espaces verts et tonte des parcs", cpv="77310000",
              buyer="21440109300099", departement="44", date="2019-03-01",
              lat=47.22, lon=-1.60)


def test_cpv_levels_follow_the_nomenclature():
    assert cpv_level("77310000", "77313000") == 4  # same class 7731
    assert cpv_level("77310000", "77211400") == 2  # same division only
    assert cpv_level("77310000", "34927100") == 0
    assert cpv_level("45233141", "45233142") == 5  # capped at the category
    assert cpv_level(None, "45000000") == 0


def test_cpv_history_takes_the_closest_past_contract_and_counts_them():
    signal = cpv_history(TENDER, GARDENER)
    assert signal.value == 1.0  # 77310000 itself was won before (category level)
    assert signal.line.startswith("1 marché passé dans la même catégorie CPV")
    broader = cpv_history(Need("q", "x", cpv="77211000"), GARDENER)
    assert broader.value == 1.0 and "catégorie" in broader.line
    division = cpv_history(Need("q", "x", cpv="77500000"), GARDENER)
    assert division.value == 0.25
    assert division.line.startswith("3 marchés passés dans la même division")
    assert cpv_history(Need("q", "x"), GARDENER).value == 0.0
    assert cpv_history(TENDER, NEWCOMER).line == ""


def test_buyer_familiarity_counts_contracts_with_the_same_siren():
    signal = buyer_familiarity(TENDER, GARDENER)  # another SIRET of the same buyer
    assert signal.line == "déjà titulaire chez cet acheteur : 2 marchés depuis 2018"
    assert signal.value == pytest.approx(2 / 3)
    assert buyer_familiarity(Need("q", "x", buyer=REZE), GARDENER).value == 0.5
    assert buyer_familiarity(Need("q", "x", buyer="99999999900000"), GARDENER).value == 0.0


def test_recency_reads_the_last_contract_before_the_tender():
    signal = recency(TENDER, GARDENER)
    assert signal.line == "dernier marché public remporté : novembre 2018"
    assert 0.6 < signal.value < 0.8  # four months before
    older = recency(Need("q", "x", date="2018-01-01"), GARDENER)  # ignores later contracts
    assert older.line == "dernier marché public remporté : mai 2017"
    assert recency(TENDER, NEWCOMER).value == 0.0


def test_proximity_ranks_every_scale_from_2_to_500_km():
    scale = [proximity_value(km) for km in (0, 2, 5, 10, 30, 100, 250, 500)]
    assert scale == sorted(scale, reverse=True) and len(set(scale)) == len(scale)
    assert scale[0] == 1.0 and scale[1] - scale[3] > 0.1 and scale[5] - scale[7] > 0.2
    near, far = proximity(TENDER, GARDENER), proximity(TENDER, NEWCOMER)
    assert near.line == "à 4 km du lieu d'exécution" and near.value > 0.8
    assert far.value < 0.15 and "km" in far.line
    assert proximity(Need("q", "x"), GARDENER).value == 0.0


def test_departement_of_execution_when_only_that_is_known():
    need = Need("q", "x", departement="44")
    assert same_departement(need, GARDENER).line == "implanté dans le département d'exécution (44)"
    assert same_departement(need, NEWCOMER).value == 0.0
    worked = worked_in_departement(need, GARDENER)
    assert worked.line == "3 marchés déjà exécutés dans le département 44"
    assert worked_in_departement(Need("q", "x", departement="49"), GARDENER).value == 0.5


def test_corsica_is_one_departement_whichever_code_a_row_writes():
    ajaccio = Profile(id="a", title="Insertion Ajaccio", text="Nettoyage", departement="2A")
    assert same_departement(Need("q", "x", departement="20"), ajaccio).value == 1.0
    assert same_departement(Need("q", "x", departement="2a"), ajaccio).value == 1.0
    assert same_departement(Need("q", "x", departement="2"), ajaccio).value == 0.0
    assert departement_key("2B") == departement_key("20") != departement_key("02")


def test_naf_cpv_compatibility_from_the_nomenclature_labels():
    cleaning = Profile("p", "x", naf="8121Z")
    catering = Profile("t", "x", naf="56.21Z")
    cleaning_tender = Need("q", "x", cpv="90911200")
    catering_tender = Need("q", "x", cpv="55520000")
    assert naf_cpv(cleaning_tender, cleaning).value > naf_cpv(cleaning_tender, catering).value
    assert naf_cpv(catering_tender, catering).value > naf_cpv(catering_tender, cleaning).value
    assert "Services des traiteurs" in naf_cpv(catering_tender, catering).line
    assert naf_cpv(catering_tender, NEWCOMER).value == 0.0


def test_reference_text_matches_past_subjects_across_spellings():
    other = Profile("voirie", "x", references=(Reference("Travaux de voirie et trottoirs"),))
    index = ReferenceText().fit([GARDENER, other, NEWCOMER])
    scores = index.scores("ENTRETIEN DES ESPACES VERTS (TONTE, ELAGAGE)")
    assert scores["jardins"] > scores.get("voirie", 0.0) and "nouveau" not in scores
    signal = index.signal(TENDER, GARDENER)
    assert signal.value > 0.2
    assert signal.line.startswith("a déjà réalisé « ") and "Ville de Nantes" in signal.line
    assert index.signal(TENDER, NEWCOMER).value == 0.0


def test_evidence_names_every_signal_and_lines_only_what_says_something():
    index = ReferenceText().fit([GARDENER])
    signals = evidence(TENDER, GARDENER, index)
    assert list(signals) == list(SIGNALS)
    row = values(signals)
    assert all(0.0 <= v <= 1.0 for v in row.values()) and row["reference_text"] > 0
    assert "déjà titulaire chez cet acheteur : 2 marchés depuis 2018" in lines(signals)
    empty = evidence(TENDER, NEWCOMER)
    assert lines(empty) == ["à 519 km du lieu d'exécution"]  # Lyon, nothing else known
