"""An owner creates an API token in a real browser (CSRF on), copies it, and the API accepts
it until it is revoked from the same page."""

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect


def call_me(live_server: str, secret: str) -> int:
    request = urllib.request.Request(f"{live_server}/api/v1/me",
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 (local server)
            assert json.load(response)["token"]["name"] == "Progiciel achats"
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_owner_creates_uses_and_revokes_a_token(new_page, territory, login_as, live_server,
                                                 shoot):
    page = new_page()
    login_as(page, "buyer")
    page.goto("/organisations/")
    page.get_by_role("link", name="API", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^API de"))).to_be_visible()
    page.get_by_label("Nom du jeton").fill("Progiciel achats")
    page.get_by_label(re.compile("^Écriture")).check()
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.get_by_label("Jeton", exact=True).input_value()
    assert secret.startswith("ess_")
    expect(page.get_by_text("il ne sera plus jamais affiché")).to_be_visible()
    shoot(page, "api_tokens")
    assert call_me(live_server, secret) == 200

    page.get_by_role("button", name=re.compile("^Révoquer")).click()
    expect(page.get_by_text("Le jeton est révoqué")).to_be_visible()
    assert secret not in page.content()
    assert call_me(live_server, secret) == 401
