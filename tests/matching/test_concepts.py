"""CPV concepts: texts that name the same trade with other words meet in the nomenclature."""

import csv

from matching.api import Matcher
from matching.concepts import ConceptIndex, combine, decp_examples, default_concepts, similarity
from matching.features import score_details
from matching.types import Need, Profile

MOWING = "Tonte des pelouses du parc municipal"
GARDENS = "Entretien d'espaces verts"
THEATRE = "Cours de théâtre et ateliers d'improvisation"


def test_a_trade_named_with_other_words_shares_cpv_concepts():
    model = default_concepts()
    need, gardens, theatre = (model.vector(t) for t in (MOWING, GARDENS, THEATRE))
    assert "773" in need and "773" in gardens  # Services horticoles (espaces verts)
    assert similarity(need, gardens) > 0.3
    assert similarity(need, theatre) == 0.0
    assert model.vector("") == {} and model.vector("zzzz qwerty") == {}


def test_vectors_are_normalised_and_batch_equals_single():
    model = default_concepts()
    texts = [MOWING, GARDENS, THEATRE]
    for text, batch in zip(texts, model.vectors(texts), strict=True):
        single = model.vector(text)
        assert single.keys() == batch.keys() and len(single) <= model.top
        assert abs(sum(w * w for w in single.values()) - 1) < 1e-4
        assert all(abs(single[g] - batch[g]) < 1e-4 for g in single)


def test_a_naf_code_places_an_organisation_known_by_its_trade_alone():
    index = ConceptIndex()
    index.upsert(["traiteur", "vide"], ["Les Saveurs", "Les Saveurs"], ["56.21Z", None])
    assert index.vectors["vide"] == {} or "555" not in index.vectors["vide"]
    assert "555" in index.vectors["traiteur"]  # Services de cantine et service traiteur
    query = index.query("Prestations de traiteur pour les réceptions de la mairie")
    assert index.similarity(query, "traiteur") > 0.3
    assert index.similarity(query, "vide") == 0.0
    index.remove(["traiteur"])
    assert index.similarity(query, "traiteur") == 0.0


def test_combine_sums_and_normalises():
    assert combine({"773": 1.0}, {"773": 1.0}) == {"773": 1.0}
    mixed = combine({"773": 1.0}, {"555": 1.0})
    assert abs(mixed["773"] - 2 ** -0.5) < 1e-9


def test_the_feature_is_in_the_table_with_its_french_label():
    matcher = Matcher(dense=False).fit([
        Profile("jardins", "Entretien d'espaces verts, taille des haies et élagage"),
        Profile("theatre", THEATRE),
    ])
    table = matcher.need_features(Need("q", MOWING))
    rows = dict(zip(table.ids, table.rows, strict=True))
    assert rows["jardins"]["cpv_concept"] > 0.3  # no word in common, the same trade
    assert "cpv_concept" not in rows.get("theatre", {})
    details = dict(score_details(rows["jardins"]))
    assert details["Activités proches dans la nomenclature CPV"].endswith(" %")


def test_only_allowed_contracts_teach_the_model(tmp_path):
    """Issue #10's rule: notified before the cutoff, never won by an SIAE of the file."""
    siae = tmp_path / "siae.csv"
    siae.write_text("siren,name\n807469317,Baluchon\n", encoding="utf-8")
    decp = tmp_path / "decp.csv"
    fields = ["objet", "cpv8", "cpv_valid", "looks_like_test", "date_notification",
              "titulaires_siret"]
    rows = [("kept", "77310000", "1", "0", "2018-06-01", "12345678900011"),
            ("too late", "77310000", "1", "0", "2019-03-01", "12345678900011"),
            ("undated", "77310000", "1", "0", "", "12345678900011"),
            ("won by an SIAE", "55520000", "1", "0", "2018-06-01",
             "12345678900011|80746931700018"),
            ("invalid code", "99999999", "0", "0", "2018-06-01", "12345678900011"),
            ("test row", "77310000", "1", "1", "2018-06-01", "12345678900011")]
    with open(decp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        writer.writerows(rows)
    assert list(decp_examples("2018-12-01", decp, siae)) == [("kept", "77310000")]
