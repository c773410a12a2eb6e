"""CPV suggestion: text folding, output shape, persistence, and quality on held-out DECP buyers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import GroupShuffleSplit

from matching.cpv import (
    CpvSuggester,
    CpvSuggestion,
    cpv8,
    fold_text,
    load_cpv_labels,
    load_decp_examples,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
SMALL_LABELS = {
    "45000000": "Travaux de construction",
    "45261210": "Travaux de couverture",
    "45261420": "Travaux d'étanchéification",
    "45442100": "Travaux de peinture",
    "55523100": "Services de restauration scolaire",
    "55520000": "Services traiteur",
    "15894200": "Repas préparés",
    "90511000": "Services de collecte des ordures",
    "72267000": "Services de maintenance et de réparation de logiciels",
    "77310000": "Réalisation et entretien d'espaces verts",
}
SMALL_TEXTS = [
    ("Réfection de la toiture de l'école", "45261210"),
    ("Reprise de l'étanchéité des terrasses", "45261420"),
    ("Peinture des salles de classe", "45442100"),
    ("Fourniture et livraison de repas aux cantines scolaires", "55523100"),
    ("Collecte des déchets ménagers", "90511000"),
    ("Tierce maintenance applicative du logiciel de gestion", "72267000"),
    ("Tonte et taille des haies des parcs", "77310000"),
]


@pytest.fixture(scope="module")
def small_model() -> CpvSuggester:
    texts, codes = zip(*SMALL_TEXTS, strict=True)
    return CpvSuggester(SMALL_LABELS).fit(list(texts), list(codes))


def test_fold_text_reads_replacement_char_as_e():
    assert fold_text("R\ufffdalisation") == fold_text("Réalisation") == "realisation"
    assert fold_text("Travaux d'Étanchéité !") == "travaux d etancheite"


def test_cpv8():
    assert cpv8("45000000-7") == "45000000"
    assert cpv8("9132100") == "09132100"
    assert cpv8("452") is None
    assert cpv8("junk") is None


def test_suggest_shape(small_model):
    suggestions = small_model.suggest("Remplacement de la couverture du gymnase", k=3)
    assert len(suggestions) == 3
    assert all(isinstance(s, CpvSuggestion) for s in suggestions)
    assert all(type(s.code) is str and s.code in SMALL_LABELS for s in suggestions)
    assert all(type(s.score) is float for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert suggestions[0].code.startswith("45")
    assert suggestions[0].label_fr == SMALL_LABELS[suggestions[0].code]


def test_one_code_per_group_by_default(small_model):
    codes = [s.code for s in small_model.suggest("Travaux de couverture", k=3)]
    assert len({c[:3] for c in codes}) == len(codes)


def test_save_load_round_trip(small_model, tmp_path):
    path = tmp_path / "instance" / "cpv.joblib"
    small_model.save(path)
    loaded = CpvSuggester.load(path)
    text = "Repas pour la restauration scolaire"
    assert loaded.suggest(text) == small_model.suggest(text)


def test_load_rejects_other_objects(tmp_path):
    import joblib

    joblib.dump({"not": "a model"}, tmp_path / "other.joblib")
    with pytest.raises(TypeError):
        CpvSuggester.load(tmp_path / "other.joblib")


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_train_default_filters_and_deduplicates(tmp_path):
    _write_csv(tmp_path / "cpv2008_fr_en.csv",
               [{"code": c, "label_fr": label} for c, label in SMALL_LABELS.items()])
    decp = [("Réfection de toiture", "45261210", "1", "0"),
            ("R\ufffdfection de toiture", "45261210", "1", "0"),  # same once folded
            ("test de publication", "45000000", "1", "1"),         # junk test row
            ("Repas des cantines", "99999999", "0", "0"),          # invalid CPV
            ("Collecte des ordures", "90511000", "1", "0")]
    _write_csv(tmp_path / "decp" / "decp_2018_2019_flat.csv", [
        {"objet": o, "cpv8": c, "cpv_valid": v, "looks_like_test": t, "acheteur_siret": "1",
         "acheteur_nom": "Ville", "has_replacement_char": str(int("\ufffd" in o))}
        for o, c, v, t in decp])
    assert [e.code for e in load_decp_examples(tmp_path)] == ["45261210", "90511000"]
    model = CpvSuggester.train_default(tmp_path)
    assert model.suggest("Collecte des ordures ménagères")[0].code == "90511000"


# --- Real data: the full CPV list and the 2018-2019 DECP extract -------------------------


@pytest.fixture(scope="module")
def buyer_split():
    if not (REPO_DATA / "decp" / "decp_2018_2019_flat.csv").exists():
        pytest.skip("DECP extract absent from data/")
    examples = load_decp_examples(REPO_DATA)
    splitter = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
    train, test = next(splitter.split(np.zeros(len(examples)), groups=[e.buyer for e in examples]))
    model = CpvSuggester(load_cpv_labels(REPO_DATA)).fit(
        [examples[i].text for i in train], [examples[i].code for i in train])
    return model, [examples[i] for i in train], [examples[i] for i in test]


@pytest.mark.parametrize(("text", "divisions"), [
    ("Travaux de couverture et d'étanchéité", {"45"}),
    ("Fourniture de repas pour la restauration scolaire", {"15", "55"}),
    ("Collecte et traitement des ordures ménagères", {"90"}),
    ("Entretien des espaces verts de la commune", {"77"}),
    ("Prestations d'assurance dommages aux biens et responsabilité civile", {"66"}),
    ("Maintenance du logiciel de gestion financière", {"72", "48"}),
])
def test_clear_subjects_get_the_right_division(buyer_split, text, divisions):
    model, _, _ = buyer_split
    assert model.suggest(text, k=1)[0].code[:2] in divisions


def test_held_out_buyers_beat_majority(buyer_split):
    model, train, test = buyer_split
    top_division = max({e.code[:2] for e in train}, key=[e.code[:2] for e in train].count)
    suggestions = model.suggest_many([e.text for e in test], k=5)
    first = np.mean([s[0].code[:2] == e.code[:2] for s, e in zip(suggestions, test, strict=True)])
    any5 = np.mean([e.code[:3] in {x.code[:3] for x in s}
                    for s, e in zip(suggestions, test, strict=True)])
    majority = np.mean([e.code[:2] == top_division for e in test])
    assert first > 0.6 and first > majority + 0.2
    assert any5 > 0.65
