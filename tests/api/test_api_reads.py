"""API reads never write, even authenticated (no « last used » stamp on a token), and the
CPV and search endpoints answer from the real engine."""

import pytest

from app.services import cpv_suggestions
from tests.api.conftest import bearer
from tests.web.test_opendata import cpv_model  # noqa: F401 (fixture: a small fitted model)
from tests.web.test_reads_never_write import writes  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("cpv_model")


def test_no_api_get_writes_even_with_a_token(app, client, pair, issue, writes):  # noqa: F811
    headers = bearer(issue(pair.a))
    ids = {"organisation_id": pair.a.id, "posting_id": pair.a_need.id}
    urls = [rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/") and "GET" in rule.methods]
    extra = ["/api/v1/search?q=mobilier", "/api/v1/search?q=cargo&scope=postings",
             "/api/v1/cpv?text=Fourniture de repas pour la cantine scolaire",
             f"/api/v1/postings/{pair.b_draft.id}"]
    writes.clear()
    for url in urls + extra:
        status = client.get(url, headers=headers).status_code
        assert status < 500, url
        assert writes == [], (url, writes)
    assert len(urls) >= 9


def test_cpv_suggestions(client):
    response = client.get("/api/v1/cpv?text=Entretien des espaces verts et tonte des pelouses")
    codes = response.json
    assert response.status_code == 200 and len(codes) == 5
    assert codes[0]["code"].startswith("77") and codes[0]["label"]
    short = client.get("/api/v1/cpv?text=%20%20%20ab")
    assert short.status_code == 422 and "au moins 3 caractères" in str(short.json["errors"])
    assert cpv_suggestions.clean_text("ab") is None


def test_search_explains_its_hits(client, pair):
    hits = client.get("/api/v1/search?q=ressourcerie réemploi").json["items"]
    assert hits and hits[0]["kind"] == "organisation"
    assert hits[0]["label"] == "Ressourcerie de l'île" and hits[0]["explanation"]
    postings = client.get("/api/v1/search?q=vélos cargo&scope=postings").json["items"]
    assert postings[0] == {**postings[0], "kind": "posting", "id": pair.b_need.id}


def test_observatory_figures(client, pair):
    assert client.get("/api/v1/observatory").json == {"organisations": 2, "needs": 2,
                                                      "offers": 0}
