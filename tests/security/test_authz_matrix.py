"""Authorisation matrix (issue #13): every route of the URL map, called by an anonymous
visitor, a member of A, a member of B and the animator, on organisation A's objects. A route
without a row here fails the test: a new route cannot be forgotten."""

import pytest

from tests.security.world import ROLES, build_world, log_in

OK, LOGIN, DENIED = "ok", "login", "denied"  # 2xx/3xx; redirect to the login page; 403 or 404
PUBLIC = dict(anonymous=OK, member_a=OK, member_b=OK, animator=OK)
SIGNED_IN = dict(anonymous=LOGIN, member_a=OK, member_b=OK, animator=OK)
A_ONLY = dict(anonymous=LOGIN, member_a=OK, member_b=DENIED, animator=DENIED)
A_OR_ANIMATOR = dict(anonymous=LOGIN, member_a=OK, member_b=DENIED, animator=OK)
GROUPEMENT = dict(A_OR_ANIMATOR, member_b=OK)  # B is invited into A's groupement
TOKEN = dict.fromkeys(ROLES, 401)  # the API ignores session cookies: a bearer token or nothing

# endpoint: (method, URL on A's objects, expectation per role). GETs run first, then POSTs in
# this order (the ones that change A's objects last).
MATRIX = {
    "main.index": ("GET", "/", PUBLIC),
    "ops.healthz": ("GET", "/healthz", PUBLIC),
    "static": ("GET", "/static/css/essaim.css", PUBLIC),
    "postings.index": ("GET", "/annonces/", PUBLIC),
    "postings.show": ("GET", "/annonces/{posting}", PUBLIC),
    "directory.index": ("GET", "/annuaire/", PUBLIC),
    "directory.show": ("GET", "/annuaire/{org}", PUBLIC),
    "search.index": ("GET", "/recherche/?q=collecte", PUBLIC),
    "auth.login": ("GET", "/compte/connexion", PUBLIC),
    "auth.register": ("GET", "/compte/inscription", PUBLIC),
    "auth.forgot_password": ("GET", "/compte/mot-de-passe-oublie", PUBLIC),
    "auth.reset_password": ("GET", "/compte/nouveau-mot-de-passe/faux", dict.fromkeys(ROLES, 400)),
    "auth.change": ("GET", "/compte/mot-de-passe", SIGNED_IN),
    "opendata.directory_csv": ("GET", "/donnees/annuaire.csv", PUBLIC),
    "opendata.needs_json": ("GET", "/donnees/besoins.json", PUBLIC),
    "opendata.cpv": ("GET", "/donnees/cpv", dict.fromkeys(ROLES, 400)),
    "opendata.organisation_csv": ("GET", "/donnees/organisations/{org}.csv", A_OR_ANIMATOR),
    "matches.partners": ("GET", "/suggestions/partenaires/{org}", PUBLIC),
    "matches.for_need": ("GET", "/suggestions/besoin/{posting}", A_OR_ANIMATOR),
    "dashboard.index": ("GET", "/tableau-de-bord/", SIGNED_IN),
    "messages.index": ("GET", "/messages/", SIGNED_IN),
    "messages.show": ("GET", "/messages/{thread}",
                      dict(anonymous=LOGIN, member_a=OK, member_b=OK, animator=DENIED)),
    "messages.new": ("GET", "/messages/nouveau?organisation_id={org_b}", SIGNED_IN),
    "organisations.mine": ("GET", "/organisations/", SIGNED_IN),
    "organisations.create": ("GET", "/organisations/nouvelle", SIGNED_IN),
    "organisations.find_to_join": ("GET", "/organisations/rejoindre", SIGNED_IN),
    "organisations.join": ("GET", "/organisations/{org}/rejoindre", SIGNED_IN),
    "organisations.edit": ("GET", "/organisations/{org}/modifier", A_OR_ANIMATOR),
    "organisations.alerts": ("GET", "/organisations/{org}/alertes", A_OR_ANIMATOR),
    "organisations.members": ("GET", "/organisations/{org}/membres", A_OR_ANIMATOR),
    "organisations.notifications": ("GET", "/organisations/notifications", SIGNED_IN),
    "organisations.open_notification": ("POST", "/organisations/notifications/{notification}",
                                        A_ONLY),
    "publishing.index": ("GET", "/publier/", SIGNED_IN),
    "publishing.create": ("GET", "/publier/nouvelle", SIGNED_IN),
    "publishing.edit": ("GET", "/publier/{draft}/modifier", A_OR_ANIMATOR),
    "publishing.close": ("GET", "/publier/{posting}/cloturer", A_OR_ANIMATOR),
    "consortia.index": ("GET", "/groupements/", SIGNED_IN),
    "consortia.new": ("GET", "/groupements/nouveau?posting_id={posting}",  # founders only
                      dict(SIGNED_IN, animator=DENIED)),
    "consortia.show": ("GET", "/groupements/{consortium}", GROUPEMENT),
    "consortia.export_csv": ("GET", "/groupements/{consortium}/export.csv", GROUPEMENT),
    "consortia.printable": ("GET", "/groupements/{consortium}/imprimer", GROUPEMENT),
    "consortia.proposals": ("GET", "/groupements/proposer/{posting}", SIGNED_IN),
    "organisations.switch": ("POST", "/organisations/courante", A_ONLY),
    "organisations.mark_all_read": ("POST", "/organisations/notifications/lues", SIGNED_IN),
    "matches.act": ("POST", "/suggestions/{match}/dismiss", A_ONLY),
    "consortia.invite": ("POST", "/groupements/{consortium}/inviter", A_OR_ANIMATOR),
    "consortia.set_member": ("POST", "/groupements/{consortium}/membres/{member}",
                             A_OR_ANIMATOR),
    "consortia.answer": ("POST", "/groupements/{consortium}/reponse",  # B is invited
                         dict(anonymous=LOGIN, member_a=DENIED, member_b=OK, animator=DENIED)),
    "consortia.change_status": ("POST", "/groupements/{consortium}/statut/complet",
                                A_OR_ANIMATOR),
    "consortia.form_proposal": ("POST", "/groupements/proposer/{posting}/former", A_ONLY),
    "consortia.invite_proposed": ("POST", "/groupements/proposer/{posting}/inviter",
                                  A_OR_ANIMATOR),
    "organisations.decide": ("POST", "/organisations/{org}/membres/{membership}/refuser",
                             A_OR_ANIMATOR),
    "consortia.remove_member": ("POST", "/groupements/{consortium}/membres/{member}/retirer",
                                A_OR_ANIMATOR),
    "publishing.publish": ("POST", "/publier/{draft}/publier", A_OR_ANIMATOR),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", PUBLIC),
    "api_organisations.index": ("GET", "/api/v1/organisations/", PUBLIC),
    "api_organisations.show": ("GET", "/api/v1/organisations/{org}", PUBLIC),
    "api_postings.index": ("GET", "/api/v1/postings/", PUBLIC),
    "api_postings.show": ("GET", "/api/v1/postings/{posting}", PUBLIC),
    "api_postings.suggestions": ("GET", "/api/v1/postings/{posting}/suggestions", TOKEN),
    "api_matches.index": ("GET", "/api/v1/matches/", TOKEN),
    "api_discovery.search": ("GET", "/api/v1/search?q=collecte", PUBLIC),
    "api_discovery.cpv": ("GET", "/api/v1/cpv", dict.fromkeys(ROLES, 422)),
    "api_discovery.observatory": ("GET", "/api/v1/observatory", PUBLIC),
    "api_discovery.me": ("GET", "/api/v1/me", TOKEN),
    "api_postings.update": ("PUT", "/api/v1/postings/{posting}", TOKEN),
    "organisations.api_tokens": ("GET", "/organisations/{org}/api", A_OR_ANIMATOR),
    "api_postings.create": ("POST", "/api/v1/postings/", TOKEN),
    "api_postings.publish": ("POST", "/api/v1/postings/{draft}/publish", TOKEN),
    "api_postings.close": ("POST", "/api/v1/postings/{posting}/close", TOKEN),
    "organisations.create_api_token": ("POST", "/organisations/{org}/api/jetons", A_OR_ANIMATOR),
    "organisations.revoke_api_token": ("POST", "/organisations/{org}/api/jetons/{api_token}"
                                               "/revoquer", A_OR_ANIMATOR),
    "auth.logout": ("POST", "/compte/deconnexion", SIGNED_IN),
}
POST_BODIES = {"organisations.switch": {"organisation_id": "{org}"},  # acting as A
               "consortia.form_proposal": {"organisation_id": "{org}"},
               "consortia.invite": {"organisation": "{org_b}"},  # managers only
               "organisations.create_api_token": {"name": "Outil", "scopes": "read"},
               "consortia.answer": {"organisation_id": "{org_b}", "decision": "accepter"}}


def outcome(response) -> str | int:
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code in (301, 302, 303) and "/compte/connexion" in response.location:
        return LOGIN
    return OK if response.status_code < 400 else response.status_code


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(MATRIX)) == [], "add these routes to MATRIX"
    assert sorted(set(MATRIX) - endpoints) == [], "these routes no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(app, client, db, auth, role):
    world = build_world(db, auth)
    log_in(auth, role)
    ordered = sorted(MATRIX.items(), key=lambda item: item[1][0] == "POST")
    found = {}
    for endpoint, (method, url, expected) in ordered:
        body = {k: world.url(v) for k, v in POST_BODIES.get(endpoint, {}).items()}
        response = client.open(world.url(url), method=method, data=body)
        found[endpoint] = (outcome(response), expected[role])
    wrong = {endpoint: got for endpoint, got in found.items() if got[0] != got[1]}
    assert wrong == {}, f"{role}: (got, expected) per endpoint"
