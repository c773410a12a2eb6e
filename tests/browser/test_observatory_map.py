"""The observatory and the map in a real browser: charts drawn, the map's offline background
(no tile server here) with clustered markers and popups, and no CSP violation. Screenshots go
to docs/screenshots/ for the README."""

import pytest
from playwright.sync_api import expect

from app.services import observatory
from tests.observatory_world import build_observatory_world


@pytest.fixture
def world(session_factory, territory):
    observatory.CACHE.clear()
    with session_factory() as session:
        built = build_observatory_world(session)
    yield built
    observatory.CACHE.clear()


def console_errors(page) -> list[str]:
    """Script errors and CSP violations (the missing favicon's 404 aside)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_observatory_charts_tables_and_downloads(new_page, world, shoot):
    page = new_page()
    errors = console_errors(page)
    page.goto("/observatoire/")
    expect(page.get_by_role("heading", name="Observatoire de la coopération")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(11)  # every figure but the procurement table
    procurement = page.locator("#commande-publique")
    expect(procurement.get_by_role("row", name="Appels d'offres publiés 3")).to_be_visible()
    shoot(page, "observatoire")
    page.locator("#organisations-filiere").scroll_into_view_if_needed()
    page.locator("#organisations-filiere summary").click()
    expect(page.locator("#organisations-filiere table")).to_be_visible()
    shoot(page, "observatoire-graphique")
    with page.expect_download() as download:
        page.locator("#odd").get_by_role("link", name="Télécharger les données (CSV)").click()
    assert download.value.suggested_filename == "essaim-odd.csv"
    assert errors == []


def test_map_offline_background_markers_and_popup(new_page, world, shoot):
    page = new_page()
    errors = console_errors(page)
    page.goto("/carte/")
    expect(page.locator("#map[data-loaded]")).to_be_attached(timeout=10_000)
    expect(page.locator("#map.map-offline")).to_be_visible()
    expect(page.locator(".commune-label").filter(has_text="Rezé")).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("besoin(s) ouvert(s)")
    shoot(page, "carte-hors-ligne")
    page.locator(".marker-cluster").first.click()  # zooms in, or spiders out, the cluster
    page.wait_for_timeout(800)
    marker = page.locator(".leaflet-marker-icon.marker").first
    marker.click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_be_visible()
    assert link.get_attribute("href").startswith(("/annuaire/", "/annonces/"))
    # Leaflet fades popups in: contrast is only meaningful once the popup is opaque.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    shoot(page, "carte-popup")
    assert errors == []


def test_map_filters_reload_the_markers(new_page, world):
    page = new_page()
    page.goto("/carte/?filiere=alimentation&couche=organisations")
    expect(page.locator("#map[data-loaded]")).to_be_attached(timeout=10_000)
    assert page.locator("#map").get_attribute("data-loaded") == "2"  # Cuisine d'insertion ×2
