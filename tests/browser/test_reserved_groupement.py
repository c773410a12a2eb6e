"""The reserved groupement refused, in a real browser (issue #11): on a tender reserved to SIAE,
a building company cannot found a groupement as mandataire, and an SIAE that founds one cannot
invite the company as cotraitant; each gets the French reason, with the article of the code
de la commande publique. The company may still join as sous-traitant (docs/legal-rules.md)."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from models.validators import with_luhn_key
from tests.factories import PASSWORD, make_posting

COMPANY = "Bâtiment Ouest SAS"
COMPANY_EMAIL = "entreprise@example.org"
REFUSAL = (f"{COMPANY} n'est pas une SIAE : ce marché est réservé aux SIAE "
           "(art. L2113-13 du code de la commande publique)")


def _company_and_tender(session_factory, buyer_id: int) -> tuple[str, int]:
    """A building company (SAS, no SIAE status) with its user, and an SIAE-reserved tender."""
    from app.services.accounts import register_user
    from app.services.organisations import OrganisationData, create_organisation
    from models import Organisation

    with session_factory() as session:
        user = register_user(session, COMPANY_EMAIL, PASSWORD, name="Thomas Leroy")
        siret = with_luhn_key("8812345670001")
        create_organisation(session, OrganisationData(
            kind="company", name=COMPANY, siret=siret, commune_insee="44109",
            legal_form_code="sas", description="Gros œuvre, démolition et rénovation."),
            owner=user)
        session.commit()
        tender = make_posting(
            session, session.get(Organisation, buyer_id), "Rénovation du groupe scolaire",
            type="tender", reserved="siae", deadline=date.today() + timedelta(days=30),
            description="Démolition des cloisons, peinture et réemploi du mobilier.",
            lots=[{"number": 1, "title": "Démolition"}, {"number": 2, "title": "Peinture"}])
        return siret, tender.id


def _log_in(page: Page, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_company_is_refused_in_an_siae_reserved_groupement(
        new_page, login_as, territory, session_factory, live_app, shoot):
    siret, tender_id = _company_and_tender(session_factory, territory["buyer"])
    live_app.extensions["essaim.jobs"].drain()

    company = new_page()
    _log_in(company, COMPANY_EMAIL)
    company.goto(f"/groupements/nouveau?posting_id={tender_id}")
    company.get_by_role("button", name="Créer le groupement").click()
    expect(company.get_by_role("alert").filter(has_text=REFUSAL)).to_be_visible()
    expect(company.get_by_role("alert").filter(has_text="mandataire")).to_be_visible()

    siae = new_page()
    login_as(siae, "siae_reuse")
    siae.goto(f"/groupements/nouveau?posting_id={tender_id}")
    siae.get_by_role("button", name="Créer le groupement").click()
    expect(siae.get_by_role("heading", level=1)).to_have_text("Groupement Trocantons Rezé")
    expect(siae.locator(".badge.status-declared", has_text="SIAE · déclaré")).to_be_visible()

    siae.get_by_label("Organisation à inviter").fill(f"{COMPANY} (SIRET {siret})")
    siae.get_by_label("Rôle proposé").select_option(label="cotraitant")
    siae.get_by_role("button", name="Inviter").click()
    refusal = siae.locator("#organisation-error")  # next to the field, what was typed kept
    expect(refusal).to_contain_text(REFUSAL)
    expect(refusal).to_contain_text("Elle peut seulement y être sous-traitante.")
    expect(siae.get_by_label("Organisation à inviter")).to_have_value(f"{COMPANY} (SIRET {siret})")
    expect(siae.get_by_label("Organisation à inviter")).to_have_attribute("aria-invalid", "true")
    expect(siae.locator("table.consortium-members")).not_to_contain_text(COMPANY)
    siae.locator("#membres").evaluate("heading => heading.scrollIntoView()")
    shoot(siae, "groupement_reserve_refuse")

    siae.get_by_label("Organisation à inviter").fill(siret)
    siae.get_by_label("Rôle proposé").select_option(label="sous-traitant")
    siae.get_by_role("button", name="Inviter").click()
    expect(siae.get_by_text("Invitation envoyée.")).to_be_visible()
    rules = siae.locator("ul.explanation")
    expect(rules).to_contain_text(f"{COMPANY} : sous-traitant, invitation en attente.")
    expect(rules).to_contain_text("non SIAE, en sous-traitance ou sur un lot non réservé")
    expect(rules).not_to_contain_text("tous les membres sont")
