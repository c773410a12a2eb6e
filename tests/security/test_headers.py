"""Security headers on every kind of response, and pages without inline scripts or styles, so
that the Content-Security-Policy (script-src 'self'; style-src 'self') breaks nothing
(issue #13, finding 3)."""

import re
from pathlib import Path

import pytest

from app.security import HEADERS
from tests.factories import PASSWORD, make_membership, make_organisation, make_posting

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)

ANONYMOUS_PAGES = ["/", "/annonces/", "/annonces/{posting}", "/annuaire/", "/annuaire/{org}",
                   "/compte/connexion", "/compte/inscription", "/recherche/?q=meubles",
                   "/donnees/annuaire.csv", "/donnees/besoins.json", "/donnees/cpv",
                   "/static/js/essaim.js", "/static/css/essaim.css",
                   "/static/vendor/htmx.min.js", "/healthz", "/page-inconnue",
                   "/annonces/99999999999999999999"]
MEMBER_PAGES = ["/tableau-de-bord/", "/publier/", "/publier/nouvelle", "/messages/",
                "/organisations/", "/organisations/nouvelle", "/organisations/notifications",
                "/organisations/{org}/modifier", "/organisations/{org}/membres", "/groupements/",
                "/donnees/organisations/{org}.csv", "/publier/{posting}/modifier"]


@pytest.fixture
def objects(db, auth) -> dict[str, int]:
    organisation = make_organisation(db, "Atelier du réemploi", filieres=["reemploi"])
    posting = make_posting(db, organisation, "Collecte de meubles", filieres=["reemploi"])
    user = auth.create_user("membre@example.org", PASSWORD)
    make_membership(db, user.id, organisation, role="owner")
    return {"org": organisation.id, "posting": posting.id}


def assert_secure(response, url: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_ATTRIBUTE.search(html), url
        assert not INLINE_STYLE.search(html), url


def visit(client, pages: list[str], objects: dict[str, int]) -> list[int]:
    statuses = []
    for page in pages:
        url = page.format(**objects)
        response = client.get(url)
        assert response.status_code < 500, url
        assert_secure(response, url)
        statuses.append(response.status_code)
    return statuses


def test_every_anonymous_response_has_the_headers(client, objects):
    statuses = visit(client, ANONYMOUS_PAGES, objects)
    assert statuses.count(200) >= 13 and statuses[-2:] == [404, 404]


def test_every_member_page_has_the_headers(client, auth, objects):
    auth.login("membre@example.org", PASSWORD)
    assert set(visit(client, MEMBER_PAGES, objects)) == {200}


def test_post_responses_and_redirects_have_the_headers(client, auth, objects):
    response = auth.login("membre@example.org", "mauvais-mot-de-passe")
    assert_secure(response, "POST /compte/connexion")
    response = auth.login("membre@example.org", PASSWORD)
    assert response.status_code == 302
    assert_secure(response, "POST /compte/connexion")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(template):
    source = template.read_text()
    assert not INLINE_SCRIPT.search(source)
    assert not EVENT_ATTRIBUTE.search(source)
    assert not INLINE_STYLE.search(source)


def test_htmx_is_told_not_to_inject_styles_or_eval(client, objects):
    html = client.get("/").get_data(as_text=True)
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


def test_oversized_body_gets_a_french_413(client):
    response = client.post("/compte/connexion",
                           data={"email": "a@b.fr", "password": "x" * 5_000_000})
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)
