"""Forms that respect the user, in a real browser (issue #11, item 7): a live counter instead
of a silent cut, every error after one submit, focus kept after an htmx swap."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.test_marketplace import TENDER, published  # noqa: F401


def test_limits_and_all_errors_at_once(new_page, login_as, territory, shoot, axe):
    page = new_page()
    login_as(page, "buyer")
    page.goto("/publier/nouvelle")
    title = page.get_by_label("Titre", exact=True)
    long_title = "Collecte, tri et réemploi du mobilier scolaire " * 5  # 235 characters
    title.fill(long_title)
    counter = page.locator("#title-count")
    expect(counter).to_have_class("char-count over")
    expect(counter).to_contain_text(f"{len(long_title)} caractères pour 200 au plus")
    assert title.input_value() == long_title  # nothing cut while typing or pasting
    expect(page.locator("#annonce")).to_contain_text("retirez-en")  # announced once crossed
    page.get_by_label("Type d'annonce").select_option("partnership")
    page.get_by_label("Commune", exact=True).fill("Rezé")
    page.get_by_label("Date limite de réponse").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Marché réservé").select_option("siae")
    page.get_by_label("Codes CPV").fill("7731")
    page.get_by_label("Budget maximum (€ HT)").fill("cinquante mille")
    page.locator('input[name="filiere_ids"][value="reemploi"]').check()
    page.get_by_role("button", name="Publier", exact=True).click()
    main = page.locator("main")
    for message in (f"Le titre fait {len(long_title.strip())} caractères pour 200 au plus",
                    "Pour publier, la date limite doit être postérieure à aujourd'hui.",
                    "Code CPV mal formé : « 7731 »",
                    "Seul un appel d'offres peut être un marché réservé.",
                    "Montant en chiffres, par exemple 50 000"):
        expect(main).to_contain_text(message)
    expect(main.locator(".error", has_text="Le titre fait")).to_have_count(1)  # said once
    assert page.get_by_label("Titre", exact=True).input_value() == long_title
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "form_all_errors")


def test_focus_stays_on_the_card_after_an_inline_action(
        new_page, login_as, territory, published, session_factory, axe):  # noqa: F811
    from sqlalchemy import select

    from models import Match, Posting

    with session_factory() as session:
        need = session.scalar(select(Posting).where(Posting.title == TENDER))
        session.add(Match(need_id=need.id, organisation_id=territory["siae_reuse"], score=0.8,
                          explanation="même filière : réemploi"))
        session.commit()
    page = new_page()
    login_as(page, "siae_reuse")
    page.goto("/tableau-de-bord/")
    card = page.locator("article.match").filter(has_text=TENDER)
    button = card.get_by_role("button", name="Intéressé")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("article.match[data-status='interested']")).to_have_count(1)
    expect(page.locator("article.match[data-status='interested']")).to_be_visible()
    in_card = "document.activeElement && document.activeElement.closest('article.match') !== null"
    for _ in range(50):  # wait_for_function would eval in the page, which the CSP forbids
        if page.evaluate(in_card):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(in_card), page.evaluate("document.activeElement.outerHTML")
    axe(page, "dashboard after « Intéressé »")
