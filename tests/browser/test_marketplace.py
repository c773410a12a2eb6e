"""Essaim in a real browser (headless chromium, the app served on localhost, CSRF on).

A public buyer publishes a tender reserved to SIAE; only eligible suppliers are suggested,
each explained; the SIAE is alerted, says « Intéressé »; the buyer shortlists and contacts it;
contact details then show for the buyer and stay hidden from an unrelated organisation.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

TENDER = "Collecte et réemploi du mobilier des écoles"
SUPPLIER = "Trocantons Rezé"
SIAE = {SUPPLIER, "Ordis solidaires", "Cuisine d'insertion"}  # the territory's SIAE (conftest)
SUGGESTIONS_TIMEOUT = 20_000  # ms: the first encoding by the e5 model may take seconds
MOBILE = {"width": 390, "height": 844}


def fill_tender_form(page: Page) -> None:
    """Fill the real publishing form: a reserved tender with insertion hours and two lots."""
    page.get_by_role("link", name="Publier", exact=True).click()
    deadline = (date.today() + timedelta(days=45)).isoformat()
    expect(page.get_by_role("heading", name="Publier un besoin ou une offre")).to_be_visible()
    page.get_by_label("Titre", exact=True).fill(TENDER)
    page.get_by_label("Description", exact=True).fill(
        "Collecte des meubles scolaires usagés (tables, chaises, armoires) dans douze écoles, "
        "tri, réparation et remise en circulation par le réemploi ; le reste est recyclé.")
    page.get_by_label("Commune", exact=True).fill("Rezé")
    page.get_by_label("Date limite de réponse").fill(deadline)
    page.get_by_label("Marché réservé").select_option("siae")
    page.get_by_label("Heures d'insertion (clause sociale)").fill("1200")
    page.locator('input[name="filiere_ids"][value="reemploi"]').check()
    page.locator("#lots-0-title").fill("Collecte et tri du mobilier")
    page.locator("#lots-0-estimated_amount").fill("40 000")
    page.locator("#lots-1-title").fill("Réparation et remise en circulation")
    page.locator("#lots-1-estimated_amount").fill("25 000,50")


def suggested_names(page: Page) -> list[str]:
    return page.locator("#match-list article.match h3 > a").all_inner_texts()


def card_of(page: Page, name: str):
    return page.locator("article.match").filter(has=page.get_by_role("link", name=name))


def test_reserved_tender_from_publication_to_contact(new_page, login_as, territory, shoot,
                                                      mail_outbox):
    buyer = new_page()
    login_as(buyer, "buyer")
    posting_url = buyer_publishes_and_sees_eligible_suppliers(buyer, shoot)
    supplier = new_page()
    login_as(supplier, "siae_reuse")
    supplier_is_alerted_and_interested(supplier, mail_outbox, shoot)
    _expect_contact_hidden(buyer, territory["siae_reuse"])  # not in touch yet
    thread_url = buyer_shortlists_and_contacts(buyer, posting_url)
    _expect_contact_hidden(buyer, territory["siae_reuse"])  # an unanswered message is no consent
    supplier_replies(supplier, thread_url)
    buyer.goto(f"/annuaire/{territory['siae_reuse']}")
    expect(buyer.locator(".contact-details")).to_contain_text("contact@trocantons.example")
    expect(buyer.locator(".contact-details")).to_contain_text("02 40 00 00 01")
    outsider = new_page()
    login_as(outsider, "cargo")  # an unrelated organisation, in no thread with the supplier
    _expect_contact_hidden(outsider, territory["siae_reuse"])


def buyer_publishes_and_sees_eligible_suppliers(buyer: Page, shoot) -> str:
    """Publish through the form; the lazy-loaded suggestions are SIAE only, each explained."""
    fill_tender_form(buyer)
    buyer.evaluate("window.scrollTo(0, 0)")
    shoot(buyer, "publish_form")
    buyer.get_by_role("button", name="Publier", exact=True).click()
    expect(buyer.get_by_text("Annonce publiée.")).to_be_visible()
    expect(buyer.get_by_role("heading", name="Lot 2 : Réparation et remise en circulation"))\
        .to_be_visible()
    expect(buyer.locator("main")).to_contain_text(re.compile(r"1\W?200 heures d'insertion"))
    expect(buyer.locator("main")).to_contain_text("Réservé aux SIAE")
    expect(buyer.locator("#match-list")).to_be_visible(timeout=SUGGESTIONS_TIMEOUT)
    names = suggested_names(buyer)
    assert names[0] == SUPPLIER and set(names) <= SIAE, names
    assert "Ressourcerie de l'Erdre" not in names  # fits well, but is not an SIAE
    explanations = buyer.locator("#match-list .explanation").all_inner_texts()
    assert len(explanations) == len(names) and all("SIAE" in text for text in explanations)
    expect(card_of(buyer, SUPPLIER).locator(".explanation")).to_contain_text(
        "même filière : réemploi")
    buyer.evaluate("document.getElementById('suggestions').scrollIntoView()")
    shoot(buyer, "tender_suggestions")
    return buyer.url


def supplier_is_alerted_and_interested(supplier: Page, outbox: Path, shoot) -> None:
    """Alerted in the nav, on the notifications page and by e-mail; then « Intéressé »."""
    notifications = supplier.get_by_role("link", name=re.compile("^Notifications"))
    expect(notifications.locator(".badge")).to_have_text("1")
    notifications.click()
    expect(supplier.locator(".notification-list")).to_contain_text(
        f"Nouvelle opportunité : « {TENDER} » (Ville de Rezé)")
    assert _outbox_mentions(outbox, "siae_reuse@example.org")
    supplier.get_by_role("link", name="Tableau de bord").click()
    expect(supplier.get_by_role("heading", name="Opportunités pour vous")).to_be_visible()
    opportunity = supplier.locator("article.match").filter(has_text=TENDER)
    expect(opportunity.locator(".explanation")).to_contain_text("même filière : réemploi")
    shoot(supplier, "dashboard")
    opportunity.get_by_role("button", name="Intéressé").click()
    expect(supplier.locator("article.match[data-status='interested']")).to_have_count(1)


def buyer_shortlists_and_contacts(buyer: Page, posting_url: str) -> None:
    """The buyer's dashboard shows the interest; « Présélectionner », then « Contacter »."""
    buyer.get_by_role("link", name="Tableau de bord").click()
    expect(buyer.locator("#boards")).to_contain_text("1 intéressé, 0 présélectionné")
    expect(buyer.locator("#boards")).to_contain_text(f": {SUPPLIER}")
    buyer.goto(posting_url)
    card_of(buyer, SUPPLIER).get_by_role("button", name="Présélectionner").click(
        timeout=SUGGESTIONS_TIMEOUT)
    expect(card_of(buyer, SUPPLIER)).to_have_attribute("data-status", "shortlisted")
    card_of(buyer, SUPPLIER).get_by_role("button", name="Contacter").click()
    expect(buyer.get_by_role("heading", name=f"Écrire à {SUPPLIER}")).to_be_visible()
    expect(buyer.get_by_label("Objet")).to_have_value(TENDER)
    message = "Bonjour, votre atelier pourrait-il prendre le lot 1 ? Visite possible en mai."
    buyer.get_by_label("Votre message").fill(message)
    buyer.get_by_role("button", name="Envoyer").click()
    expect(buyer.get_by_role("heading", name=TENDER)).to_be_visible()
    expect(buyer.locator(".thread-messages")).to_contain_text(message)
    return buyer.url


def supplier_replies(supplier: Page, thread_url: str) -> None:
    """The supplier answers in the thread: its contact details become visible to the buyer."""
    supplier.goto(thread_url)
    reply = "Bonjour, oui, avec plaisir : appelez-nous pour organiser la visite."
    supplier.get_by_label("Votre message").fill(reply)
    supplier.get_by_role("button", name="Répondre").click()
    expect(supplier.locator(".thread-messages")).to_contain_text(reply)


def _expect_contact_hidden(page: Page, organisation_id: int) -> None:
    page.goto(f"/annuaire/{organisation_id}")
    details = page.locator(".contact-details")
    expect(details).to_contain_text("Coordonnées visibles après mise en relation.")
    expect(page.locator("main")).not_to_contain_text("contact@trocantons.example")
    expect(page.locator("main")).not_to_contain_text("02 40 00 00 01")


def _outbox_mentions(outbox: Path, address: str) -> bool:
    return any(address in mail.read_text(encoding="utf-8", errors="replace")
               for mail in outbox.glob("*.eml"))


@pytest.fixture
def published(territory, session_factory) -> None:
    """A published need of the buyer and an offer of the SIAE, for the public pages."""
    from models import Filiere, Posting

    with session_factory() as session:
        reemploi = session.get(Filiere, "reemploi")
        need = Posting(organisation_id=territory["buyer"], direction="need", type="tender",
                       title=TENDER, description="Collecte des meubles scolaires usagés.",
                       commune_insee="44143", reserved="siae",
                       deadline=date.today() + timedelta(days=30), filieres=[reemploi])
        offer = Posting(organisation_id=territory["siae_reuse"], direction="offer",
                        type="purchase", title="Mobilier de bureau reconditionné",
                        description="Bureaux, chaises et armoires réparés, livrés sur la "
                                    "métropole.", commune_insee="44143", filieres=[reemploi])
        for posting in (need, offer):
            posting.publish()
            session.add(posting)
        session.commit()


def test_public_pages_and_keyboard(new_page, published, shoot):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Essaim")
    expect(page.locator("#chiffres + .grid")).to_contain_text(re.compile(r"1\s+besoins? publiés?"))
    shoot(page, "home")
    _check_keyboard_basics(page)

    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(page.locator("main")).to_contain_text(SUPPLIER)
    shoot(page, "directory")

    page.goto("/recherche/?q=recyclerie+meubles")
    results = page.locator("main")
    expect(results).to_contain_text(SUPPLIER)
    expect(results).to_contain_text("Ressourcerie de l'Erdre")
    shoot(page, "search")
    page.goto("/recherche/?q=recyclerie+meubles&siae=y")
    expect(results).to_contain_text(SUPPLIER)
    expect(results).not_to_contain_text("Ressourcerie de l'Erdre")
    page.goto("/recherche/?q=chaises+de+bureau&sur=annonces")
    expect(results).to_contain_text("Mobilier de bureau reconditionné")

    mobile = new_page(viewport=MOBILE)
    mobile.goto("/annuaire/")
    expect(mobile.locator("main")).to_contain_text(SUPPLIER)
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the directory scrolls sideways on a phone ({width} px)"
    shoot(mobile, "mobile_directory")


def _check_keyboard_basics(page: Page) -> None:
    """The skip link comes first and is visible when focused; Tab then reaches the main nav."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the focused skip link stays off-screen"
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Annuaire" in focused, focused
    skip.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#contenu$"))
