import json

from matching.dataset import load_dataset


def test_real_data_extension_fields_are_read(tmp_path):
    """DECP-derived sets carry past contracts, NAF, buyer, CPV, département and date."""
    (tmp_path / "qrels").mkdir()
    doc = {"_id": "123456789", "title": "Titulaire", "text": "entretien des espaces verts",
           "metadata": {"kind": "company", "naf": "8130Z", "references": [
               {"objet": "Tonte des pelouses", "cpv": "77313000", "buyer": "21440109300015",
                "buyer_name": "Ville de Nantes", "departement": "44", "date": "2018-11-02",
                "amount": 12000}, {"objet": "Élagage"}]}}
    query = {"_id": "q1", "text": "Entretien des parcs", "metadata": {
        "buyer": "21440109300015", "buyer_name": "Ville de Nantes", "cpv": "77310000",
        "departement": "44", "date": "2019-03-01", "lat": 47.2, "lon": -1.55}}
    (tmp_path / "corpus.jsonl").write_text(json.dumps(doc))
    (tmp_path / "queries.jsonl").write_text(json.dumps(query))
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\t123456789\t1\n")
    data = load_dataset(tmp_path)
    profile, need = data.profiles[0], data.needs[0]
    assert profile.naf == "8130Z" and len(profile.references) == 2
    first = profile.references[0]
    assert (first.cpv, first.buyer_name, first.departement, first.date, first.amount) == (
        "77313000", "Ville de Nantes", "44", "2018-11-02", 12000.0)
    assert profile.references[1].cpv is None and profile.references[1].date is None
    assert (need.buyer, need.cpv, need.departement, need.date) == (
        "21440109300015", "77310000", "44", "2019-03-01")
    assert (need.lat, need.lon) == (47.2, -1.55)
