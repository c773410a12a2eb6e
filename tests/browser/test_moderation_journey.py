"""An organisation without members is reachable (issue #11, items 3, 6, 7), in a real browser.

The buyer writes to an imported ressourcerie nobody manages: the message waits in the
animators' queue and the buyer is told so; someone from the ressourcerie claims it; the
animator approves from the queue; the new owner finds the message. The animator then edits
the organisation from its page and the audit log shows the change. On a 390 px phone the menu
folds and the queue's table reflows. axe-core checks every state (via `shoot` and `axe`).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

ORPHAN = "Ressourcerie de l'Île"
MOBILE = {"width": 390, "height": 844}
ANIMATOR, CLAIMER = "animation@essaim.example", "lea@ressourcerie-ile.fr"


@pytest.fixture
def orphan(territory, session_factory) -> int:
    """An imported organisation without members, an animator and a would-be owner."""
    from app.services.accounts import register_user
    from models import Organisation
    from tests.factories import new_siret

    with session_factory() as session:
        organisation = Organisation(kind="ess", name=ORPHAN, siret=new_siret(),
                                    commune_insee="44109", source="import",
                                    website="https://www.ressourcerie-ile.fr",
                                    description="Ressourcerie de quartier : collecte, tri et "
                                                "revente d'objets de seconde main.")
        session.add(organisation)
        register_user(session, ANIMATOR, PASSWORD, name="Équipe d'animation", is_animator=True)
        register_user(session, CLAIMER, PASSWORD, name="Léa Martin")
        session.commit()
        return organisation.id


def log_in(page: Page, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.locator('form[action="/compte/deconnexion"]')).to_have_count(1)


def test_a_message_reaches_the_queue_then_the_claimed_organisation(
        new_page, login_as, orphan, shoot, axe):
    buyer = new_page()
    login_as(buyer, "buyer")
    buyer.goto(f"/annuaire/{orphan}")
    expect(buyer.get_by_role("heading", name="Structure sans compte")).to_be_visible()
    axe(buyer, "organisation without members")
    buyer.get_by_role("link", name=f"Contacter {ORPHAN}").click()
    expect(buyer.locator("main .note")).to_contain_text("pas encore de compte sur Essaim")
    buyer.get_by_label("Objet").fill("Collecte de mobilier scolaire")
    buyer.get_by_label("Votre message").fill("Bonjour, pourriez-vous reprendre 40 chaises ?")
    buyer.get_by_role("button", name="Envoyer").click()
    expect(buyer.locator(".flash")).to_contain_text(
        "votre message est transmis à l'équipe d'animation")
    shoot(buyer, "moderation_message_queued")

    claimer = new_page()
    log_in(claimer, CLAIMER)
    claimer.goto(f"/annuaire/{orphan}")
    claimer.get_by_role("link", name="Vous y travaillez ? Gérer cette structure").click()
    claimer.get_by_label("Votre rôle dans la structure (facultatif)").fill(
        "Coordinatrice de la ressourcerie.")
    axe(claimer, "claim form")
    claimer.get_by_role("button", name="Demander à gérer cette structure").click()
    expect(claimer.locator(".flash")).to_contain_text("transmise à l'équipe d'animation")

    animator = new_page()
    log_in(animator, ANIMATOR)
    menu_entry = animator.get_by_role("link", name=re.compile("^Animation"))
    expect(menu_entry.locator(".badge")).to_have_text("2")
    menu_entry.click()
    rows = animator.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Message à une structure sans compte")).to_contain_text(
        "Collecte de mobilier scolaire")
    shoot(animator, "moderation_queue")
    claim = rows.filter(has_text="Revendication")
    claim.get_by_role("button", name=re.compile("^Approuver")).click()
    expect(animator.locator(".flash")).to_contain_text("Demande approuvée.")
    expect(animator.locator("tbody tr")).to_have_count(0)
    expect(animator.locator("#historique ~ ul")).to_contain_text("Remis à la structure")
    axe(animator, "queue after the decision")

    claimer.goto("/organisations/notifications")
    expect(claimer.locator(".notification-list")).to_contain_text(
        "Message reçu avant votre inscription, de Ville de Rezé")
    claimer.goto("/messages/")
    claimer.get_by_role("link", name=re.compile("Collecte de mobilier scolaire")).first.click()
    expect(claimer.locator(".thread-messages")).to_contain_text("reprendre 40 chaises")
    shoot(claimer, "moderation_message_delivered")

    animator_edits_with_audit_log(animator, orphan, shoot)
    phone_menu_and_table(new_page, orphan, shoot)


def animator_edits_with_audit_log(animator: Page, orphan: int, shoot) -> None:
    animator.goto(f"/annuaire/{orphan}")
    animator.get_by_role("link", name="Modifier la fiche").click()
    animator.get_by_label("Téléphone").fill("02 40 12 34 56")
    animator.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(animator.locator(".flash")).to_contain_text("Le profil est enregistré.")
    journal = animator.locator("table[aria-labelledby='journal']")
    expect(journal).to_contain_text("Téléphone")
    expect(journal).to_contain_text("02 40 12 34 56")
    expect(journal).to_contain_text(ANIMATOR)
    animator.locator("#animation").scroll_into_view_if_needed()
    shoot(animator, "audit_log")


def phone_menu_and_table(new_page, orphan: int, shoot) -> None:
    phone = new_page(viewport=MOBILE)
    log_in(phone, ANIMATOR)
    toggle = phone.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= 70, f"the folded menu takes {header['height']} px"
    phone.goto(f"/annuaire/{orphan}")  # the journal table reflows into cards
    assert phone.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    phone.locator("#journal").scroll_into_view_if_needed()
    shoot(phone, "mobile_table")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("link", name=re.compile("^Animation"))).to_be_visible()
    shoot(phone, "mobile_menu")
