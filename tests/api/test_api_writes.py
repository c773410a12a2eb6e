"""The JSON API: a token acts for its organisation only, with its scopes; a revoked token is
refused; errors are JSON with a code and a French message; lists are paginated; the
OpenAPI document lists every route."""

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import ApiToken, Award, Posting
from tests.api.conftest import bearer, posting_body
from tests.factories import PASSWORD, make_membership, make_organisation


def test_token_of_a_cannot_change_b_postings(client, pair, issue):
    headers = bearer(issue(pair.a))
    url = f"/api/v1/postings/{pair.b_need.id}"
    for method, path, body in (("PUT", url, posting_body()),
                               ("POST", f"{url}/close", {"reason": "cancelled"}),
                               ("POST", f"/api/v1/postings/{pair.b_draft.id}/publish", None)):
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code in (403, 404), (method, path)
        assert response.json["code"] in ("forbidden", "not_found")
    assert client.get(f"/api/v1/postings/{pair.b_draft.id}", headers=headers).status_code == 404
    assert client.get(f"{url}/suggestions", headers=headers).status_code == 403
    shown = client.get(url).json
    assert shown["title"] == "Achat de vélos cargo" and shown["status"] == "published"


def test_token_edits_publishes_and_closes_its_own_postings(client, pair, issue, db):
    headers = bearer(issue(pair.a))
    created = client.post("/api/v1/postings/", json=posting_body(), headers=headers)
    assert created.status_code == 201, created.json
    posting = created.json
    assert posting["status"] == "draft" and posting["organisation"]["id"] == pair.a.id
    assert posting["filieres"] == ["alimentation"] and posting["commune"]["insee"] == "44109"
    url = f"/api/v1/postings/{posting['id']}"
    edited = client.put(url, json=posting_body(title="Traiteur bio", budget_max=4500.5),
                        headers=headers)
    assert edited.status_code == 200 and edited.json["budget_max"] == 4500.5
    assert client.post(f"{url}/publish", headers=headers).json["status"] == "published"
    unnamed = client.post(f"{url}/close", json={"reason": "awarded"}, headers=headers)
    assert unnamed.status_code == 422 and "titulaire" in unnamed.json["message"]
    closed = client.post(f"{url}/close", headers=headers, json={
        "reason": "awarded", "outside_siret": "732 829 320 00074",
        "outside_name": "Traiteur du Sillon", "amount": 4200})
    assert closed.json["status"] == "closed" and closed.json["close_reason"] == "awarded"
    stored = db.scalar(select(Posting).where(Posting.id == posting["id"]))
    assert (stored.title, stored.status) == ("Traiteur bio", "closed")
    award = db.scalar(select(Award).where(Award.posting_id == stored.id))
    assert (award.winner_siret, award.winner_name) == ("73282932000074", "Traiteur du Sillon")


def test_revoked_token_is_refused(client, pair, issue, db):
    secret = issue(pair.a)
    assert client.get("/api/v1/me", headers=bearer(secret)).json["organisation"]["id"] == pair.a.id
    token = db.scalar(select(ApiToken))
    from app.services.api_tokens import revoke_token

    revoke_token(db, pair.a, token.id)
    db.commit()
    for response in (client.get("/api/v1/me", headers=bearer(secret)),
                     client.post("/api/v1/postings/", json=posting_body(),
                                 headers=bearer(secret))):
        assert response.status_code == 401
        assert response.json["code"] == "unauthorized" and "révoqué" in response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.scalar(select(Posting).where(Posting.title == "Traiteur solidaire")) is None


def test_only_the_hash_of_a_token_is_stored(pair, issue, db):
    secret = issue(pair.a)
    token = db.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.prefix, token.token_hash) and secret.startswith(token.prefix)


@pytest.mark.parametrize("secret", ["", "ess_inconnu", "pas-un-jeton", "ess_" + "x" * 300])
def test_missing_or_unknown_token_is_a_401(client, pair, secret):
    response = client.get("/api/v1/matches/", headers=bearer(secret) if secret else {})
    assert response.status_code == 401 and response.json["code"] == "unauthorized"


def test_scopes(client, pair, issue):
    read_only, write_only = bearer(issue(pair.a, "read")), bearer(issue(pair.a, "write"))
    refused = client.post("/api/v1/postings/", json=posting_body(), headers=read_only)
    assert refused.status_code == 403 and refused.json["code"] == "insufficient_scope"
    assert "« write »" in refused.json["message"]
    assert client.get("/api/v1/matches/", headers=read_only).status_code == 200
    assert client.get("/api/v1/matches/", headers=write_only).status_code == 403
    assert client.post("/api/v1/postings/", json=posting_body(),
                       headers=write_only).status_code == 201


def test_a_browser_session_does_not_authenticate_the_api(client, auth, pair):
    """The API is CSRF-exempt: a signed-in user's cookie must not be enough to write."""
    user = auth.create_user("a@example.org", PASSWORD)
    with auth.session_factory() as session:
        make_membership(session, user.id, session.merge(pair.a), role="owner")
    auth.login("a@example.org", PASSWORD)
    assert client.post("/api/v1/postings/", json=posting_body()).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_validation_errors_are_french_and_by_field(client, pair, issue):
    headers = bearer(issue(pair.a))
    response = client.post("/api/v1/postings/", headers=headers,
                           json=posting_body(title=None, max_km=0, color="bleu"))
    assert response.status_code == 422
    body = response.json
    assert body["code"] == "validation_error" and "invalides" in body["message"]
    fields = body["errors"]["json"]
    assert fields["title"] == ["Ce champ ne peut pas être nul."]
    assert fields["max_km"] == ["Valeur attendue entre 1 et 1000."]
    assert fields["color"] == ["Champ inconnu."]


def test_domain_rules_answer_422_with_the_field(client, pair, issue):
    headers = bearer(issue(pair.a))
    response = client.post("/api/v1/postings/", headers=headers,
                           json=posting_body(direction="offer", type="tender"))
    assert response.status_code == 422 and response.json["code"] == "rule_violated"
    assert response.json["errors"] == {"json": {"type": ["Un appel d'offres est forcément un "
                                                          "besoin."]}}
    past = client.post("/api/v1/postings/", headers=headers, json=posting_body(
        publish=True, deadline=(date.today() - timedelta(days=1)).isoformat()))
    assert past.status_code == 422 and "date limite" in past.json["message"]
    unknown = client.post("/api/v1/postings/", headers=headers,
                          json=posting_body(commune_insee="Atlantide"))
    assert unknown.json["errors"]["json"]["commune_insee"] == [
        "Commune inconnue : choisissez une commune de la liste."]


def test_not_found_and_bad_json_are_json_errors(client, pair):
    missing = client.get("/api/v1/postings/999999")
    assert missing.status_code == 404
    assert missing.json["code"] == "not_found"
    assert missing.json["message"] == "Ressource introuvable."
    nowhere = client.get("/api/v1/nulle-part")
    assert nowhere.status_code == 404 and nowhere.json["code"] == "not_found"
    bad = client.get("/api/v1/postings/?page=0&direction=both")
    assert bad.status_code == 422
    assert set(bad.json["errors"]["query"]) == {"page", "direction"}


def test_lists_are_paginated_with_links(client, db):
    for number in range(5):
        make_organisation(db, f"Coopérative {number}")
    first = client.get("/api/v1/organisations/?per_page=2&q=cooperative").json
    assert [o["name"] for o in first["items"]] == ["Coopérative 0", "Coopérative 1"]
    pagination = first["pagination"]
    assert (pagination["page"], pagination["pages"], pagination["total"]) == (1, 3, 5)
    assert pagination["links"]["prev"] is None and "page=2" in pagination["links"]["next"]
    assert "q=cooperative" in pagination["links"]["next"]
    last = client.get(pagination["links"]["last"]).json
    assert [o["name"] for o in last["items"]] == ["Coopérative 4"]
    assert last["pagination"]["links"]["next"] is None


def test_public_reads_filter_like_the_pages(client, pair):
    needs = client.get("/api/v1/postings/?filiere=reemploi").json
    assert [p["title"] for p in needs["items"]] == ["Collecte de mobilier scolaire"]
    organisation = client.get(f"/api/v1/organisations/{pair.b.id}").json
    assert organisation["name"] == "Ressourcerie de l'île" and "email" not in organisation
    buyers = client.get("/api/v1/organisations/?kind=public_buyer").json["items"]
    assert [o["id"] for o in buyers] == [pair.a.id]


def test_own_matches_and_suggestions(client, pair, issue, db):
    from models import Match

    db.add(Match(need_id=pair.a_need.id, organisation_id=pair.b.id, score=0.8,
                 explanation="même filière : réemploi"))
    db.commit()
    suggestions = client.get(f"/api/v1/postings/{pair.a_need.id}/suggestions",
                             headers=bearer(issue(pair.a, "read"))).json["items"]
    assert [(s["target_name"], s["score"]) for s in suggestions] == [
        ("Ressourcerie de l'île", 0.8)]
    mine = client.get("/api/v1/matches/", headers=bearer(issue(pair.b, "read"))).json["items"]
    assert [(m["need_id"], m["need_title"]) for m in mine] == [
        (pair.a_need.id, "Collecte de mobilier scolaire")]


def test_openapi_document_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in spec["paths"].items()
                  for method in item if method != "parameters"}
    routed = {(rule.rule.replace("<int:", "{").replace(">", "}"), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              and not rule.rule.endswith("openapi.json")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert "per_page" in str(spec["paths"]["/api/v1/postings/"])
