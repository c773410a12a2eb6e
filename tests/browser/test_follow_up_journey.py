"""The follow-up in a real browser: the supplier says « Intéressé » and answers « utile ? »;
the buyer is told, follows the timeline, dismisses and restores a suggestion, sees the
groupement that applied, closes the tender with its winner (a French error first), and the
award shows among the winner's « Références publiques »; a reminder reaches a quiet buyer."""

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

TENDER = "Collecte et réemploi du mobilier des écoles"
QUIET = "Entretien des espaces verts des écoles"
WINNER = "Trocantons Rezé"
TIMEOUT = 20_000  # ms: the first ranking encodes with the e5 model


@pytest.fixture
def tender(territory, session_factory, live_app) -> int:
    """A published SIAE-reserved tender (ranked by its job), a groupement that applied, and a
    need published 8 days ago that nobody followed up."""
    from app.services.events import posting_saved
    from models import Consortium, ConsortiumMember, Filiere, Posting

    with session_factory() as session:
        posting = Posting(organisation_id=territory["buyer"], direction="need", type="tender",
                          title=TENDER, description="Collecte des meubles scolaires usagés, "
                          "tri, réparation et remise en circulation.", commune_insee="44143",
                          reserved="siae", deadline=date.today() + timedelta(days=30),
                          filieres=[session.get(Filiere, "reemploi")])
        quiet = Posting(organisation_id=territory["buyer"], direction="need", type="purchase",
                        title=QUIET, description="Tonte et taille.", commune_insee="44143")
        for need in (posting, quiet):
            need.publish()
            session.add(need)
        session.flush()
        quiet.published_at = datetime.now(UTC) - timedelta(days=8)
        posting_saved(session, posting, newly_published=True)
        groupement = Consortium(name="Groupement Réemploi Sud-Loire", posting_id=posting.id,
                                created_by_id=territory["digital"], status="submitted")
        groupement.members = [
            ConsortiumMember(organisation_id=territory["digital"], role="lead",
                             invitation_status="accepted", lot_numbers=[]),
            ConsortiumMember(organisation_id=territory["cargo"], role="co_contractor",
                             invitation_status="accepted", lot_numbers=[])]
        session.add(groupement)
        session.commit()
        posting_id = posting.id
    live_app.extensions["essaim.jobs"].drain()
    return posting_id


def card_of(page: Page, name: str):
    return page.locator("article.match").filter(has=page.get_by_role("link", name=name))


def test_tender_closed_with_its_winner_and_a_reminder_sent(new_page, login_as, territory,
                                                           tender, shoot, live_app):
    supplier = new_page()
    login_as(supplier, "siae_reuse")
    supplier_says_interested_and_useful(supplier)
    buyer = new_page()
    login_as(buyer, "buyer")
    buyer_follows_up(buyer, tender, shoot)
    buyer_closes_with_the_winner(buyer, tender, shoot)
    buyer.goto(f"/annuaire/{territory['siae_reuse']}")
    references = buyer.locator("section[aria-labelledby='references']")
    expect(references).to_contain_text(TENDER)
    expect(references).to_contain_text("48 000")
    expect(references).to_contain_text("déclaré sur Essaim")
    references.scroll_into_view_if_needed()
    shoot(buyer, "award_on_winner_page")
    supplier.goto("/organisations/notifications")
    expect(supplier.locator("main")).to_contain_text("votre candidature est retenue")
    groupement_member = new_page()
    login_as(groupement_member, "cargo")
    groupement_member.goto("/organisations/notifications")
    expect(groupement_member.locator("main")).to_contain_text("n'a pas été retenue")
    a_quiet_buyer_is_reminded(buyer, live_app, shoot)


def supplier_says_interested_and_useful(supplier: Page) -> None:
    supplier.get_by_role("link", name="Tableau de bord").click()
    opportunity = supplier.locator("article.match").filter(has_text=TENDER)
    opportunity.get_by_role("button", name="Intéressé", exact=True).click(timeout=TIMEOUT)
    expect(supplier.locator("article.match[data-status='interested']")).to_have_count(1)
    opportunity = supplier.locator("article.match").filter(has_text=TENDER)
    opportunity.locator("details.feedback summary").click()
    opportunity.get_by_label("Oui").check()
    opportunity.get_by_label("Pourquoi ? (facultatif)").select_option("relevant")
    opportunity.get_by_role("button", name="Envoyer mon avis").click()
    expect(opportunity.get_by_role("status")).to_contain_text("Merci, votre avis est enregistré.")


def buyer_follows_up(buyer: Page, posting_id: int, shoot) -> None:
    """Told of the interest; the timeline and the groupement that applied on the tender page;
    « Écarter » changes the card, « Rétablir » undoes it."""
    buyer.goto("/organisations/notifications")
    expect(buyer.locator("main")).to_contain_text(f"{WINNER} est intéressé")
    buyer.goto(f"/annonces/{posting_id}")
    card = card_of(buyer, WINNER)
    card.get_by_role("button", name="Présélectionner").click(timeout=TIMEOUT)
    expect(card_of(buyer, WINNER)).to_contain_text("Présélectionné")
    expect(card_of(buyer, WINNER)).to_contain_text("Intéressé")  # both, from the history
    other = buyer.locator("#match-list > article.match").nth(1)
    other_name = other.locator("h3 > a").inner_text()
    other.get_by_role("button", name="Écarter").click()
    expect(card_of(buyer, other_name)).to_contain_text("Suggestion écartée")
    expect(card_of(buyer, other_name)).to_be_focused()  # focus stays on the swapped card
    card_of(buyer, other_name).get_by_role("button", name="Rétablir").click()
    expect(card_of(buyer, other_name)).not_to_contain_text("Suggestion écartée")
    buyer.reload()
    suivi = buyer.locator("#suivi")
    expect(suivi).to_contain_text("Groupement Réemploi Sud-Loire")
    expect(suivi).to_contain_text(f"{WINNER} s'est dit intéressé")
    expect(suivi).to_contain_text(f"{other_name} rétabli")
    suivi.scroll_into_view_if_needed()
    shoot(buyer, "follow_up_timeline")


def buyer_closes_with_the_winner(buyer: Page, posting_id: int, shoot) -> None:
    buyer.get_by_role("link", name="Clôturer").click()
    buyer.get_by_label("Attribuée").check()
    buyer.get_by_label("SIRET d'un autre titulaire").fill("123 456 789 01234")
    buyer.get_by_label("Montant attribué (€ HT)").fill("48 000")
    buyer.get_by_role("button", name="Clore l'annonce").click()
    expect(buyer.locator("#close-form")).to_contain_text("SIRET")  # the checksum is wrong
    expect(buyer.get_by_label("Montant attribué (€ HT)")).to_have_value("48 000")  # kept
    buyer.get_by_label("SIRET d'un autre titulaire").scroll_into_view_if_needed()
    shoot(buyer, "close_tender_error")
    buyer.get_by_label("SIRET d'un autre titulaire").fill("")
    buyer.get_by_label(WINNER).check()
    buyer.get_by_label("Date d'attribution").fill(date.today().isoformat())
    buyer.get_by_role("button", name="Clore l'annonce").click()
    expect(buyer.get_by_text("1 titulaire(s) enregistré(s)")).to_be_visible()
    titulaires = buyer.locator("section[aria-labelledby='titulaires']")
    expect(titulaires).to_contain_text(WINNER)
    expect(buyer.locator("#suivi")).to_contain_text(f"{WINNER} retenu")
    expect(buyer.locator("#suivi")).to_contain_text("Non retenu")  # the groupement
    expect(buyer.locator("#match-list")).to_contain_text(WINNER)  # closing hides nothing
    titulaires.scroll_into_view_if_needed()
    shoot(buyer, "tender_closed_with_winner")


def a_quiet_buyer_is_reminded(buyer: Page, live_app, shoot) -> None:
    jobs = live_app.extensions["essaim.jobs"]
    assert jobs.send_reminders() >= 1
    assert jobs.send_reminders() == 0  # never twice
    jobs.drain()
    buyer.goto("/organisations/notifications")
    expect(buyer.locator("main")).to_contain_text(f"Votre besoin « {QUIET} » est publié depuis "
                                                  "7 jours")
    shoot(buyer, "follow_up_reminder")
