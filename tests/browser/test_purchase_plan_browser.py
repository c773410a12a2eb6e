"""A buyer uploads the sample purchase plan in a real browser and reads the report (the
screenshots docs/screenshots/purchase-plan-*.png are the README's)."""

from pathlib import Path

import pytest

from app.services import cpv_suggestions
from matching.cpv import CpvSuggester
from tests.plans.test_plan_analysis import add_local_suppliers

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "plan_achats_exemple.csv"


@pytest.fixture(scope="module", autouse=True)
def cpv_model():
    cpv_suggestions.set_suggester(CpvSuggester.train_default(ROOT / "data"))
    yield
    cpv_suggestions.set_suggester(None)


def test_buyer_uploads_the_sample_plan(new_page, login_as, territory, shoot, db, live_app):
    from playwright.sync_api import expect

    add_local_suppliers(db)  # SIAE cleaners, builders: reserved markets and groupements show
    live_app.extensions["essaim.jobs"].drain()

    page = new_page({"width": 1280, "height": 1400})
    login_as(page, "buyer")
    page.goto("/plan-achats/")
    expect(page.get_by_role("heading", name="Analyse de plan d'achats")).to_be_visible()
    page.get_by_label("Plan d'achats (CSV ou Excel .xlsx)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Analyser le plan").click()
    expect(page.get_by_role("heading", name="Analyse du plan d'achats « plan_achats_exemple.csv »")
           ).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Synthèse par filière")).to_be_visible()
    expect(page.locator(".plan-line")).to_have_count(25)
    shoot(page, "purchase-plan-report")
    page.locator("#ligne-25").evaluate("line => line.scrollIntoView()")
    shoot(page, "purchase-plan-groupement")
    page.get_by_role("link", name="Version imprimable").click()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    shoot(page, "purchase-plan-print")
