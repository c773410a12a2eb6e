"""Never a 500 on bad input (issue #13, finding 8): every route of the URL map, with fuzzed
ids, strings and query strings, GET and POST, anonymous and logged in; then the main forms
with fuzzed fields. A new route is fuzzed without being listed here."""

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter

from app.converters import MAX_ID
from tests.security.world import build_world, log_in

NASTY = ["", "0", "-1", "1", "NaN", "sNaN", "-Infinity", "inf", "1e999999", "12 000,50",
         "99999999999999999999", str(MAX_ID), str(MAX_ID + 1), str(2**63), "\r\nBcc: x@y.example",
         "\x00", "%00", "'; DROP TABLE users;--", "<script>alert(1)</script>", "../../etc/passwd",
         "//evil.example", "/\\evil.example", "９５３９２５０５２０００１１", "٣", "é" * 300,
         "a" * 5000, "javascript:alert(1)", "on", "y", "true", "need", "offer", "2026-02-30"]
PARAMS = ["page", "q", "organisation_id", "org_id", "posting_id", "next", "cible", "texte",
          "title", "description", "filiere", "commune", "forme", "type", "esus", "siae", "qpv",
          "direction", "tri", "distance", "sort"]
FIELDS = PARAMS + ["body", "subject", "email", "password", "name", "siret", "role", "lots",
                   "organisation", "decision", "index", "posting", "member_id", "budget_min"]
TEXT = st.text(max_size=40)
VALUES = st.one_of(st.sampled_from(NASTY), TEXT,
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))
QUERY = st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4)
BODY = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6)
ARGUMENT = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
FUZZ = settings(max_examples=10, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def argument(converter, known_ids: list[int]):
    """Values a URL argument may take: known ids and huge ones for ints, any text else."""
    if isinstance(converter, IntegerConverter):
        return st.one_of(st.sampled_from(known_ids), st.integers(0, 2**70),
                         st.sampled_from([MAX_ID, MAX_ID + 1, 2**63])).map(str)
    if isinstance(converter, AnyConverter):
        return st.one_of(st.sampled_from(sorted(converter.items)), TEXT)
    return st.one_of(st.sampled_from(NASTY), TEXT)


def url_for_rule(rule, values: dict[str, str]) -> str:
    path = ARGUMENT.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)
    return path if path.startswith("/") else "/" + path


def rules_in_order(app):
    """Every rule; logging out last, so that a logged-in run stays logged in."""
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.rule))


def fuzz_rule(client, rule, known_ids: list[int]) -> None:
    arguments = {name: argument(rule._converters[name], known_ids) for name in rule.arguments}
    methods = sorted(rule.methods & {"GET", "POST", "PUT"})  # PUT: the API

    @FUZZ
    @given(values=st.fixed_dictionaries(arguments), query=QUERY, body=BODY,
           method=st.sampled_from(methods))
    def run(values, query, body, method):
        url = url_for_rule(rule, values) + ("?" + urlencode(query) if query else "")
        response = client.open(url, method=method, data=body if method != "GET" else None)
        assert response.status_code < 500, (method, url, body)

    run()


@pytest.mark.parametrize("role", ["anonymous", "member_a"])
def test_no_route_answers_500_to_fuzzed_input(app, client, db, auth, role):
    world = build_world(db, auth)
    log_in(auth, role)
    known_ids = sorted(set(world.ids.values()))
    rules = rules_in_order(app)
    assert len(rules) > 40
    for rule in rules:
        fuzz_rule(client, rule, known_ids)


FORMS = ["/compte/connexion", "/compte/inscription", "/publier/nouvelle",
         "/publier/{draft}/modifier", "/organisations/nouvelle", "/organisations/{org}/modifier",
         "/organisations/{org}/alertes", "/messages/nouveau?organisation_id={org_b}",
         "/messages/{thread}", "/groupements/nouveau?posting_id={posting}",
         "/publier/{posting}/cloturer"]
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')


def fuzz_form(client, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200, url
    names = sorted(set(FIELD_NAME.findall(page.get_data(as_text=True))) - {"csrf_token"})
    assert names, url

    @FUZZ
    @given(form=st.fixed_dictionaries({}, optional={name: VALUES for name in names}))
    def run(form):
        response = client.post(url, data=form)
        assert response.status_code < 500, (url, form)

    run()


@pytest.mark.parametrize("form", FORMS)
def test_no_form_answers_500_to_fuzzed_fields(client, db, auth, form):
    world = build_world(db, auth)
    log_in(auth, "anonymous" if form.startswith("/compte/") else "member_a")
    fuzz_form(client, world.url(form))


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "Infinity", "-inf", "douze"])
def test_non_finite_amount_is_a_french_form_error(client, db, auth, amount):
    world = build_world(db, auth)
    log_in(auth, "member_a")
    response = client.post(world.url("/publier/{draft}/modifier"),
                           data={"title": "Collecte", "budget_min": amount})
    assert response.status_code == 200
    assert "Montant invalide : saisissez un nombre, par exemple 12 000,50." in (
        response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/annonces/99999999999999999999", "/annuaire/9223372036854775808",
                                 "/messages/99999999999999999999", "/groupements/2147483648"])
def test_huge_ids_are_not_found(client, db, auth, url):
    build_world(db, auth)
    log_in(auth, "member_a")
    assert client.get(url).status_code == 404


def test_huge_query_ints_are_treated_as_absent(client, db, auth):
    world = build_world(db, auth)
    log_in(auth, "member_a")
    assert client.get("/annonces/?page=99999999999999999999").status_code == 200
    assert client.get("/messages/nouveau?organisation_id=99999999999999999999").status_code == 404
    response = client.get(world.url("/publier/nouvelle?org_id=99999999999999999999"))
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["/tableau-de-bord/\r\nSet-Cookie: x=1", "/ok\nLocation: //x",
                                    "/\\evil.example", "//evil.example", "https://evil.example"])
def test_next_after_login_ignores_injection_and_other_sites(client, auth, target):
    auth.create_user("next@example.org")
    response = client.post("/compte/connexion?" + urlencode({"next": target}),
                           data={"email": "next@example.org", "password": "motdepasse-solide"})
    assert response.status_code == 302 and response.location == "/"


def test_next_after_login_keeps_a_local_path(client, auth):
    auth.create_user("next@example.org")
    response = client.post("/compte/connexion?next=/messages/",
                           data={"email": "next@example.org", "password": "motdepasse-solide"})
    assert response.location == "/messages/"


def test_nul_characters_never_reach_the_database(client, db, auth):
    """PostgreSQL text refuses NUL: a query or a form with one used to answer 500."""
    world = build_world(db, auth)
    log_in(auth, "member_a")
    for url in ("/annuaire/?q=%00", "/recherche/?q=a%00b", "/annonces/?q=%00",
                "/donnees/annuaire.csv?forme=%00", "/organisations/rejoindre?q=%00"):
        assert client.get(url).status_code == 200, url
    response = client.post(world.url("/messages/nouveau?organisation_id={org_b}"),
                           data={"subject": "Sujet\x00", "body": "Bon\x00jour"})
    assert response.status_code == 302
    assert "Bonjour" in client.get(response.location).get_data(as_text=True)
