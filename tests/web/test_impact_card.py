"""The impact card on an organisation's page."""

from tests.factories import text
from tests.observatory_world import build_observatory_world


def card(client, organisation) -> str:
    page = text(client.get(f"/annuaire/{organisation.id}"))
    start = page.index('id="impact"')
    return page[start:page.index("</section>", start)]


def numbers(card_html: str) -> dict[str, str]:
    import re

    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", card_html))


def test_card_counts_matches_groupements_references_and_postings(client, db):
    world = build_observatory_world(db)
    chantier = numbers(card(client, world["orgs"]["chantier"]))
    assert chantier == {"Besoins publiés": "0", "Offres publiées": "0",
                        "Mises en relation acceptées": "0", "Groupements rejoints": "1",
                        "dont formés": "1", "Marchés remportés": "1"}
    ress = numbers(card(client, world["orgs"]["ress"]))
    assert ress["Mises en relation acceptées"] == "1" and ress["Offres publiées"] == "1"
    # BTP accepted a match (contacted) and joined a groupement still forming.
    btp = numbers(card(client, world["orgs"]["btp"]))
    assert (btp["Mises en relation acceptées"], btp["Groupements rejoints"],
            btp["dont formés"]) == ("1", "1", "0")
    assert numbers(card(client, world["orgs"]["mairie"]))["Besoins publiés"] == "4"


def test_card_shows_filieres_and_sdgs_declared_or_served(client, db):
    world = build_observatory_world(db)
    ress = world["orgs"]["ress"]
    ress.sdg = [1]
    db.commit()
    html = card(client, ress)
    assert "Réemploi et économie des ressources" in html
    assert "ODD 1 · Pas de pauvreté</li>" in html  # declared
    assert "ODD 12 · Consommation et production responsables <span" in html  # by its filière
    assert "ODD 11" not in html
