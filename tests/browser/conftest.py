"""Browser tests: the real app served on localhost, driven by Playwright in Debian's chromium."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


PASSWORD = "motdepasse-solide"
# A small territory: a public buyer, SIAE and non-SIAE suppliers, and a few more for the
# directory and search screenshots. Contact details are set to check who may see them.
TERRITORY = {
    "buyer": dict(kind="public_buyer", name="Ville de Rezé", commune_insee="44143",
                  legal_form_code="commune", email="achats@mairie-reze.example",
                  description="Commune de la métropole nantaise : achats responsables et "
                              "clauses sociales dans ses marchés."),
    "siae_reuse": dict(kind="ess", name="Trocantons Rezé", commune_insee="44143",
                       legal_form_code="aci", filiere_ids=["reemploi"],
                       email="contact@trocantons.example", phone="02 40 00 00 01",
                       description="Atelier chantier d'insertion : collecte de meubles et "
                                   "d'objets, tri, réparation et revente en boutique solidaire."),
    "asso_reuse": dict(kind="ess", name="Ressourcerie de l'Erdre", commune_insee="44109",
                       legal_form_code="association", filiere_ids=["reemploi"],
                       email="bonjour@ressourcerie-erdre.example",
                       description="Ressourcerie associative : collecte de mobilier, "
                                   "réparation, valorisation et vente d'occasion."),
    "siae_food": dict(kind="ess", name="Cuisine d'insertion", commune_insee="44162",
                      legal_form_code="ei", filiere_ids=["alimentation"],
                      description="Entreprise d'insertion de restauration : repas bio "
                                  "pour la restauration collective."),
    "cargo": dict(kind="ess", name="Coursiers à vélo", commune_insee="44109",
                  legal_form_code="scop", filiere_ids=["logistique-urbaine"],
                  email="hello@coursiers.example",
                  description="Coopérative de cyclo-logistique : livraisons et collectes "
                              "en vélo-cargo dans le centre de Nantes."),
    "esat_wood": dict(kind="ess", name="ESAT Les Ateliers du Bois", commune_insee="44215",
                      legal_form_code="esat", filiere_ids=["reemploi", "eco-construction"],
                      description="Menuiserie et rénovation de mobilier en bois, "
                                  "travailleurs en situation de handicap."),
    "solar": dict(kind="ess", name="Énergie citoyenne Loire", commune_insee="44020",
                  legal_form_code="scic", filiere_ids=["energie-citoyenne"],
                  description="Centrales solaires citoyennes sur les toits publics, "
                              "financées par les habitants."),
    "digital": dict(kind="ess", name="Ordis solidaires", commune_insee="44162",
                    legal_form_code="ei", filiere_ids=["numerique-responsable", "reemploi"],
                    description="Reconditionnement d'ordinateurs et de téléphones, "
                                "formation au numérique des personnes éloignées."),
}


def email_of(key: str) -> str:
    return f"{key}@example.org"


@pytest.fixture
def territory(session_factory) -> dict[str, int]:
    """The TERRITORY organisations, each owned by the user `email_of(key)`; ids by key.

    The matching engine is process-wide: it is reset first; the background refresh the new
    organisations trigger is awaited so that the browser meets an idle worker."""
    from app.services import background
    from app.services.accounts import register_user
    from app.services.matching import ENGINE, POSTINGS_ENGINE
    from app.services.organisations import OrganisationData, create_organisation
    from models.validators import with_luhn_key

    ENGINE.reset()
    POSTINGS_ENGINE.reset()
    ids = {}
    with session_factory() as session:
        for number, (key, values) in enumerate(TERRITORY.items(), start=1):
            user = register_user(session, email_of(key), PASSWORD, name=f"Équipe {key}")
            data = OrganisationData(siret=with_luhn_key(f"45{number:011d}"), **values)
            ids[key] = create_organisation(session, data, owner=user).id
        session.commit()
    background.wait_all()
    yield ids
    background.wait_all()


@pytest.fixture
def login_as():
    """Log a page in through the real login form."""
    from playwright.sync_api import expect

    def login(page, key: str) -> None:
        page.goto("/compte/connexion")
        page.get_by_label("Adresse e-mail").fill(email_of(key))
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    return login


@pytest.fixture
def shoot():
    return screenshot


@pytest.fixture
def mail_outbox(live_app) -> Path:
    """The live app's outbox folder, made current for `notify` again: mail settings are
    process-wide, and another app built later in the run (the `app` fixture) replaces them."""
    from app.services.notify import MailSettings, configure

    configure(MailSettings.from_config(live_app.config))
    return Path(live_app.config["MAIL_OUTBOX_DIR"])
