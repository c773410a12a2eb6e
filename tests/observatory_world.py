"""A small territory whose every observatory figure was counted by hand (tests/web/
test_observatory.py states the expected numbers next to the rows that make them)."""

from datetime import date

from models import Award, Consortium, ConsortiumMember, Match
from tests.factories import NANTES, REZE, SAINT_HERBLAIN, make_organisation, make_posting

AWARD_DATES = (date(2025, 3, 10), date(2025, 6, 1))


def _add(db, *rows):
    db.add_all(rows)
    db.commit()
    return rows


def build_observatory_world(db) -> dict:
    """5 organisations (3 ESS), 3 published tenders, 1 draft, 1 purchase, 1 offer, 4 matches,
    2 groupements and 2 awards."""
    orgs = {
        "ress": make_organisation(db, "Ressourcerie de l'Erdre", filieres=["reemploi"],
                                  legal_form_code="association", commune_insee=NANTES,
                                  lat=47.25, lon=-1.52),
        "chantier": make_organisation(db, "Chantier Bâtir", filieres=["eco-construction",
                                                                      "reemploi"],
                                      legal_form_code="aci", siae=True, commune_insee=REZE),
        "cuisine": make_organisation(db, "Cuisine d'insertion", filieres=["alimentation"],
                                     legal_form_code="ei", commune_insee=NANTES),
        "mairie": make_organisation(db, "Ville de Rezé", kind="public_buyer",
                                    legal_form_code="commune", commune_insee=REZE),
        "btp": make_organisation(db, "BTP Ouest", kind="company", filieres=["eco-construction"],
                                 commune_insee=SAINT_HERBLAIN),
    }
    buyer = orgs["mairie"]
    posts = {
        "t1": make_posting(db, buyer, "Collecte des encombrants", type="tender",
                           filieres=["reemploi"], insertion_hours=300, commune_insee=REZE),
        "t2": make_posting(db, buyer, "Déconstruction d'une école", type="tender",
                           status="closed", filieres=["eco-construction", "reemploi"],
                           insertion_hours=500, reserved="siae", commune_insee=REZE),
        "t3": make_posting(db, buyer, "Rénovation d'un gymnase", type="tender", status="closed",
                           filieres=["eco-construction"], commune_insee=SAINT_HERBLAIN),
        "t4": make_posting(db, buyer, "Brouillon d'appel d'offres", type="tender",
                           status="draft", filieres=["reemploi"], insertion_hours=1000),
        "p5": make_posting(db, buyer, "Repas bio", filieres=["alimentation"],
                           commune_insee=NANTES),
        "o6": make_posting(db, orgs["ress"], "Mobilier de réemploi", direction="offer",
                           filieres=["reemploi"], commune_insee=NANTES),
    }
    _add(db,
         Match(need_id=posts["t1"].id, organisation_id=orgs["ress"].id, status="interested"),
         Match(need_id=posts["t1"].id, organisation_id=orgs["btp"].id, status="contacted"),
         Match(need_id=posts["t3"].id, organisation_id=orgs["cuisine"].id, status="declined"),
         Match(need_id=posts["p5"].id, organisation_id=orgs["cuisine"].id, status="proposed"))
    c1, c2 = _add(db, Consortium(name="Groupement école", posting_id=posts["t2"].id,
                                 created_by_id=orgs["chantier"].id, status="complete"),
                  Consortium(name="Groupement gymnase", posting_id=posts["t3"].id,
                             created_by_id=orgs["btp"].id, status="forming"))
    _add(db,
         ConsortiumMember(consortium_id=c1.id, organisation_id=orgs["chantier"].id, role="lead",
                          invitation_status="accepted"),
         ConsortiumMember(consortium_id=c2.id, organisation_id=orgs["btp"].id, role="lead",
                          invitation_status="accepted"),
         ConsortiumMember(consortium_id=c2.id, organisation_id=orgs["cuisine"].id,
                          invitation_status="invited"),
         Award(posting_id=posts["t2"].id, organisation_id=orgs["chantier"].id,
               winner_name="Chantier Bâtir", amount=120000, notified_on=AWARD_DATES[0]),
         Award(posting_id=posts["t3"].id, organisation_id=orgs["btp"].id,
               winner_name="BTP Ouest", amount=80000, notified_on=AWARD_DATES[1]))
    return {"orgs": orgs, "posts": posts}
