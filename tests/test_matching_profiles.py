"""Profiles built from the database carry their public contracts (Award rows) as evidence."""

from datetime import date

from app.services.matching import all_suppliers, load_suppliers
from app.services.matching_profiles import need_from_posting, org_key
from matching.evidence import buyer_familiarity, cpv_history
from models import Award
from tests.factories import REZE, make_directory, make_posting


def test_awards_become_references_and_tenders_say_who_buys(db):
    directory = make_directory(db)
    chantier, mairie = directory["chantier"], directory["mairie"]
    chantier.naf_code = "4399C"
    old = make_posting(db, mairie, "Rénovation de l'école Jean Jaurès", type="tender",
                       status="closed", cpv_codes=["45000000"])
    older = make_posting(db, mairie, "Peinture de la salle des fêtes", type="tender",
                         status="closed")
    # one award linked to the organisation, one known only by its SIRET (imported before)
    db.add_all([Award(posting=old, organisation=chantier, winner_siret=chantier.siret,
                      winner_name=chantier.name, amount=45000, notified_on=date(2019, 3, 4)),
                Award(posting=older, winner_siret=chantier.siret, winner_name="BATIR",
                      notified_on=date(2018, 6, 1))])
    db.commit()

    profiles = {p.id: p for p in all_suppliers(db)}
    mine = profiles[org_key(chantier.id)]
    assert mine.naf == "4399C" and mine.departement == "44"
    assert [r.objet for r in mine.references] == ["Rénovation de l'école Jean Jaurès",
                                                  "Peinture de la salle des fêtes"]
    first = mine.references[0]
    assert (first.cpv, first.buyer, first.buyer_name, first.departement, first.date,
            first.amount) == ("45000000", mairie.siret, "Ville de Rezé", "44", "2019-03-04",
                              45000.0)
    assert profiles[org_key(directory["ressourcerie"].id)].references == ()
    reloaded, gone = load_suppliers(db, {org_key(chantier.id)})
    assert not gone and reloaded[0].references == mine.references

    tender = make_posting(db, mairie, "Réfection des peintures du gymnase", type="tender",
                          cpv_codes=["45442100"], commune_insee=REZE)
    need = need_from_posting(tender)
    assert (need.buyer, need.buyer_name, need.cpv, need.departement) == (
        mairie.siret, "Ville de Rezé", "45442100", "44")
    assert need.date == date.today().isoformat()
    assert buyer_familiarity(need, mine).line == (
        "déjà titulaire chez cet acheteur : 2 marchés depuis 2018")
    assert cpv_history(need, mine).value == 0.25  # division 45 (works)
    request = make_posting(db, chantier, "Partenaire pour un chantier", type="partnership")
    assert need_from_posting(request).buyer is None  # only public buyers' tenders
