"""Browser tests: the real app served on localhost, driven by Playwright in Debian's chromium."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD, build_territory, email_of

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_app(engine, database_url, tmp_path_factory):
    """The app as users get it: CSRF on (the `app` fixture turns it off for route tests)."""
    from app import create_app

    return create_app({
        "TESTING": True, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False,
        "MAIL_OUTBOX_DIR": str(tmp_path_factory.mktemp("browser-outbox")),
        "JOBS_EAGER": True, "INDEX_CHECK_INTERVAL": 0,
        "JOBS_DB": str(tmp_path_factory.mktemp("browser-jobs") / "jobs.db"),
    })


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, session_factory):
    """Open a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def open_page(viewport=None):
        context = browser.new_context(base_url=live_server, locale="fr-FR",
                                      viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Every state worth a screenshot is also checked by axe-core (0 serious or critical)."""
    assert_accessible(page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.fixture
def territory(session_factory, live_app) -> dict[str, int]:
    """The shared test territory, with the jobs its creation queued already run (the tables
    were emptied since the last test: the live app's index is rebuilt)."""
    live_app.extensions["essaim.index"].reset()
    ids = build_territory(session_factory)
    live_app.extensions["essaim.jobs"].drain()
    return ids


@pytest.fixture
def login_as():
    """Log a page in through the real login form."""
    from playwright.sync_api import expect

    def login(page, key: str) -> None:
        page.goto("/compte/connexion")
        page.get_by_label("Adresse e-mail").fill(email_of(key))
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        # The logout button may be folded in the phone menu: present, not necessarily visible.
        expect(page.locator('form[action="/compte/deconnexion"]')).to_have_count(1)

    return login


@pytest.fixture
def shoot():
    return screenshot


@pytest.fixture
def axe():
    """`axe(page, where)`: fail on any serious or critical axe-core violation."""
    return assert_accessible


@pytest.fixture
def mail_outbox(live_app) -> Path:
    """The live app's outbox folder (its mail jobs write there)."""
    return Path(live_app.config["MAIL_OUTBOX_DIR"])
