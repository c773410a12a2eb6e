"""Groupements end to end, with the real matching engine and the real database: proposals for a
tender's lots, forming one, invitations, roles and lots, status rules, access, export."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.services.consortia.proposals import CACHE
from app.services.organisations import OrganisationData, create_organisation
from models import (
    Consortium,
    ConsortiumMember,
    Lot,
    Membership,
    NetworkMember,
    Notification,
    Posting,
)
from models.validators import with_luhn_key

PASSWORD = "motdepasse-solide"

ORGS = {
    "buyer": dict(kind="public_buyer", name="Ville de Rezé", commune_insee="44143",
                  legal_form_code="commune", description="Commune de la métropole nantaise."),
    "reuse": dict(kind="ess", name="Trocantons Rezé", commune_insee="44143",
                  legal_form_code="aci", filiere_ids=["reemploi"], headcount=25,
                  description="Atelier chantier d'insertion : réparation et remise en état de "
                              "meubles, menuiserie, rénovation de tables et de chaises, revente "
                              "en boutique solidaire."),
    "cargo": dict(kind="ess", name="Coursiers à vélo", commune_insee="44109",
                  legal_form_code="scop", filiere_ids=["logistique-urbaine"], headcount=12,
                  description="Coopérative de cyclo-logistique : collecte des encombrants et "
                              "d'objets, transport et livraison de mobilier en vélo-cargo."),
    "green": dict(kind="ess", name="ESAT des Jardins", commune_insee="44162",
                  legal_form_code="esat", filiere_ids=["eco-construction"], headcount=40,
                  description="Établissement d'aide par le travail : entretien des espaces "
                              "verts, tonte des pelouses, taille des haies, jardins et cours "
                              "d'écoles."),
    "food": dict(kind="ess", name="Cuisine d'insertion", commune_insee="44162",
                 legal_form_code="ei", filiere_ids=["alimentation"], headcount=15,
                 description="Entreprise d'insertion de restauration : repas bio pour la "
                             "restauration collective."),
    "shop": dict(kind="ess", name="Boutique Seconde Vie", commune_insee="44109",
                 legal_form_code="association", filiere_ids=["reemploi"], headcount=9,
                 description="Ressourcerie : boutique solidaire, revente d'occasion des objets "
                             "remis en état, vente de meubles de seconde main."),
    "sorting": dict(kind="ess", name="Tri'Loire", commune_insee="44143",
                    legal_form_code="scic", filiere_ids=["reemploi"], headcount=20,
                    description="Centre de tri et de valorisation des objets collectés en "
                                "déchèterie et en apport volontaire."),
    "outsider": dict(kind="ess", name="Radio des Quartiers", commune_insee="44109",
                     legal_form_code="association", filiere_ids=["culture-citoyennete"],
                     headcount=4, description="Radio associative et ateliers d'éducation aux "
                                              "médias pour les jeunes."),
    "network": dict(kind="network", name="Réseau du réemploi nantais", commune_insee="44109",
                    legal_form_code="association", filiere_ids=["reemploi"],
                    description="Réseau des ressourceries et recycleries de la métropole."),
}
LOTS = [
    dict(number=1, title="Collecte du mobilier en vélo-cargo",
         description="Collecte et transport des meubles scolaires usagés en vélo-cargo."),
    dict(number=2, title="Réparation et remise en état des meubles", reserved="siae",
         description="Réparation, menuiserie et rénovation des tables et des chaises."),
    dict(number=3, title="Entretien des espaces verts des écoles",
         description="Tonte des pelouses, taille des haies et entretien des cours d'écoles."),
]


def _tender(orgs, title, lots, **fields) -> Posting:
    tender = Posting(organisation=orgs["buyer"], direction="need", type="tender", title=title,
                     description=fields.pop("description", title), commune_insee="44143",
                     deadline=date.today() + timedelta(days=30), **fields)
    tender.lots = [Lot(**lot) for lot in lots]
    tender.publish()
    return tender


@pytest.fixture
def territory(db, auth):
    """Nine organisations, one user each, a 3-lot tender and an unanswerable one."""
    CACHE.clear()
    users = {key: auth.create_user(f"{key}@example.org", PASSWORD) for key in ORGS}
    orgs = {}
    for number, (key, values) in enumerate(ORGS.items(), start=1):
        orgs[key] = create_organisation(db, OrganisationData(
            siret=with_luhn_key(f"45{number:011d}"), **values))
        db.add(Membership(user_id=users[key].id, organisation=orgs[key], role="owner"))
    db.add(NetworkMember(network=orgs["network"], member=orgs["reuse"]))
    tender = _tender(orgs, "Mobilier et cours des écoles", LOTS, insertion_hours=400,
                     description="Collecte, réparation du mobilier scolaire et entretien des "
                                 "espaces verts des écoles de Rezé.")
    impossible = _tender(orgs, "Restauration et espaces verts", [
        dict(number=1, title="Entretien des espaces verts", description="Tonte et taille."),
        dict(number=2, title="Repas bio pour la cantine", reserved="ea_esat",
             description="Préparation de repas bio pour la restauration scolaire.")])
    db.add_all([tender, impossible])
    db.commit()
    return orgs, tender, impossible


def login(auth, key):
    assert auth.login(f"{key}@example.org", PASSWORD).status_code == 302


def _proposal_forms(page: str) -> list[dict[str, str]]:
    """The hidden fields of each « Former ce groupement » form of the proposals page."""
    forms = re.findall(r'<form method="post" action="[^"]*/former".*?</form>', page, re.S)
    return [dict(re.findall(r'name="(\w+)" value="([^"]*)"', form)) for form in forms]


def _members(composition: str) -> list[tuple[int, str, set[str]]]:
    rows = [item.split(":") for item in composition.split(";")]
    return [(int(org), role, set(filter(None, lots.split(",")))) for org, role, lots in rows]


def test_proposals_cover_every_lot_and_respect_the_reserved_lot(client, auth, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    response = client.get(f"/groupements/proposer/{tender.id}", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    forms = _proposal_forms(page)
    assert forms, page
    siae = {orgs["reuse"].id, orgs["food"].id}
    for form in forms:
        members = _members(form["composition"])
        assert set().union(*(lots for _, _, lots in members)) == {"1", "2", "3"}
        assert all(org in siae for org, _, lots in members if "2" in lots)
        assert [role for _, role, _ in members].count("lead") == 1
    best = _members(forms[0]["composition"])
    holders = {lot: org for org, _, lots in best for lot in lots}
    assert holders == {"1": orgs["cargo"].id, "2": orgs["reuse"].id, "3": orgs["green"].id}
    assert "mandataire" in page and "Points faibles" in page
    assert "Trocantons Rezé" in page and "Ville de Rezé" not in page
    assert "Radio des Quartiers" not in page


def test_proposals_page_is_fast_and_cached(client, auth, territory):
    import time

    _, tender, _ = territory
    login(auth, "cargo")
    client.get(f"/groupements/proposer/{tender.id}")  # first call encodes the territory
    CACHE.clear()
    start = time.monotonic()
    assert client.get(f"/groupements/proposer/{tender.id}").status_code == 200
    assert time.monotonic() - start < 2.0


def test_infeasible_tender_names_the_uncovered_lot(client, auth, territory):
    _, _, impossible = territory
    login(auth, "buyer")
    page = client.get(f"/groupements/proposer/{impossible.id}").get_data(as_text=True)
    assert "Aucun groupement possible" in page
    assert "Repas bio pour la cantine" in page
    assert "Inviter ce groupement" not in page


def test_value_chain_option(client, auth, territory):
    _, tender, _ = territory
    login(auth, "cargo")
    page = client.get(f"/groupements/proposer/{tender.id}?chaine=reemploi").get_data(as_text=True)
    forms = _proposal_forms(page)
    assert forms and "Étape 1 : Collecte" in page and "Étape 4 : Revente" in page
    for form in forms:
        members = _members(form["composition"])
        assert len(members) == 4 and all(len(lots) == 1 for _, _, lots in members)


def test_anonymous_is_sent_to_login(client, territory):
    _, tender, _ = territory
    response = client.get(f"/groupements/proposer/{tender.id}")
    assert response.status_code == 302 and "/compte/connexion" in response.location


def _form_first(client, tender) -> int:
    page = client.get(f"/groupements/proposer/{tender.id}").get_data(as_text=True)
    form = _proposal_forms(page)[0]
    response = client.post(f"/groupements/proposer/{tender.id}/former", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def _consortium(db, consortium_id) -> Consortium:
    db.expire_all()
    return db.get(Consortium, consortium_id)


def _member(consortium, organisation) -> ConsortiumMember:
    return next(m for m in consortium.members if m.organisation_id == organisation.id)


def test_form_from_a_proposal_invites_and_notifies_the_others(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    consortium = _consortium(db, _form_first(client, tender))
    assert consortium.status == "forming" and consortium.created_by_id == orgs["cargo"].id
    assert _member(consortium, orgs["cargo"]).role == "lead"
    assert _member(consortium, orgs["cargo"]).invitation_status == "accepted"
    invited = [m for m in consortium.members if m.invitation_status == "invited"]
    assert {m.organisation_id for m in invited} == {orgs["reuse"].id, orgs["green"].id}
    notified = set(db.scalars(select(Notification.organisation_id).where(
        Notification.kind == "consortium_invitation")))
    assert notified == {orgs["reuse"].id, orgs["green"].id}
    page = client.get(f"/groupements/{consortium.id}").get_data(as_text=True)
    assert "Trocantons Rezé" in page and "Invitations sans réponse" in page


def test_founder_outside_the_proposal_joins_it(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "food")
    consortium = _consortium(db, _form_first(client, tender))
    mine = _member(consortium, orgs["food"])
    assert mine.role == "co_contractor" and mine.invitation_status == "accepted"
    assert sum(m.role == "lead" for m in consortium.members) == 1


def test_buyer_invites_a_proposed_groupement(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "buyer")
    page = client.get(f"/groupements/proposer/{tender.id}").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="[^"]*/inviter".*?</form>', page, re.S)
    assert forms and "Former ce groupement" not in page  # a buyer does not bid
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', forms[0]))
    assert client.post(f"/groupements/proposer/{tender.id}/inviter", data=data).status_code == 302
    notified = set(db.scalars(select(Notification.organisation_id).where(
        Notification.kind == "consortium_suggestion")))
    assert {orgs["cargo"].id, orgs["reuse"].id, orgs["green"].id} <= notified
    auth.logout()
    login(auth, "cargo")
    assert client.post(f"/groupements/proposer/{tender.id}/inviter", data=data).status_code == 403


def test_invitee_accepts_or_declines_only_for_itself(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    consortium_id = _form_first(client, tender)
    auth.logout()
    login(auth, "green")
    refused = client.post(f"/groupements/{consortium_id}/reponse",
                          data={"organisation_id": orgs["reuse"].id, "decision": "accepter"})
    assert refused.status_code == 403  # not its invitation
    client.post(f"/groupements/{consortium_id}/reponse",
                data={"organisation_id": orgs["green"].id, "decision": "decliner"})
    assert client.get(f"/groupements/{consortium_id}").status_code == 404  # declined: out
    auth.logout()
    login(auth, "reuse")
    client.post(f"/groupements/{consortium_id}/reponse",
                data={"organisation_id": orgs["reuse"].id, "decision": "accepter"})
    consortium = _consortium(db, consortium_id)
    assert _member(consortium, orgs["reuse"]).invitation_status == "accepted"
    assert _member(consortium, orgs["green"]).invitation_status == "declined"
    answers = db.scalars(select(Notification).where(Notification.kind == "consortium_answer"))
    assert {n.organisation_id for n in answers} == {orgs["cargo"].id}


def test_outsiders_cannot_see_or_act(client, auth, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    consortium_id = _form_first(client, tender)
    auth.logout()
    for key in ("outsider", "buyer"):  # the buyer sees it only once submitted
        login(auth, key)
        assert client.get(f"/groupements/{consortium_id}").status_code == 404
        assert client.get(f"/groupements/{consortium_id}/export.csv").status_code == 404
        assert client.get(f"/groupements/{consortium_id}/imprimer").status_code == 404
        assert client.post(f"/groupements/{consortium_id}/inviter",
                           data={"organisation": orgs[key].siret}).status_code == 404
        assert client.post(f"/groupements/{consortium_id}/statut/complet").status_code == 404
        auth.logout()
    login(auth, "reuse")  # invited: sees it, but does not manage it
    assert client.get(f"/groupements/{consortium_id}").status_code == 200
    assert client.post(f"/groupements/{consortium_id}/statut/complet").status_code == 403
    assert client.post(f"/groupements/{consortium_id}/inviter",
                       data={"organisation": orgs["food"].siret}).status_code == 403


def _accept(client, auth, consortium_id, orgs, *keys):
    for key in keys:
        auth.logout()
        login(auth, key)
        client.post(f"/groupements/{consortium_id}/reponse",
                    data={"organisation_id": orgs[key].id, "decision": "accepter"})


def test_from_scratch_roles_lots_and_status_rules(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "reuse")
    response = client.post("/groupements/nouveau", data={
        "posting_id": tender.id, "organisation_id": orgs["reuse"].id, "name": "Écoles solidaires"})
    consortium_id = int(response.location.rsplit("/", 1)[1])
    for invitee in (orgs["cargo"].siret, str(orgs["green"].id)):  # by SIRET, by id
        client.post(f"/groupements/{consortium_id}/inviter", data={"organisation": invitee})
    page = client.get(f"/groupements/{consortium_id}").get_data(as_text=True)
    assert "Coursiers à vélo" in page and "ESAT des Jardins" in page
    refused = client.post(f"/groupements/{consortium_id}/statut/complet", follow_redirects=True)
    assert "Invitations sans réponse" in refused.get_data(as_text=True)
    assert _consortium(db, consortium_id).status == "forming"
    _accept(client, auth, consortium_id, orgs, "cargo", "green")
    auth.logout()
    login(auth, "reuse")
    consortium = _consortium(db, consortium_id)
    plan = {"reuse": ("lead", [2]), "cargo": ("co_contractor", [1]), "green": ("lead", [3])}
    for key, (role, lots) in plan.items():
        member = _member(consortium, orgs[key])
        client.post(f"/groupements/{consortium_id}/membres/{member.id}",
                    data={f"m{member.id}-role": role, f"m{member.id}-lots": lots})
    page = client.post(f"/groupements/{consortium_id}/statut/complet",
                       follow_redirects=True).get_data(as_text=True)
    assert "exactement un mandataire" in page and "(2 actuellement)" in page
    green = _member(_consortium(db, consortium_id), orgs["green"])
    client.post(f"/groupements/{consortium_id}/membres/{green.id}",
                data={f"m{green.id}-role": "subcontractor", f"m{green.id}-lots": [3, 99]})
    assert _member(_consortium(db, consortium_id), orgs["green"]).role == "lead"  # lot 99: refused
    client.post(f"/groupements/{consortium_id}/membres/{green.id}",
                data={f"m{green.id}-role": "subcontractor", f"m{green.id}-lots": [3]})
    assert client.post(f"/groupements/{consortium_id}/statut/deposer").status_code == 302
    assert _consortium(db, consortium_id).status == "forming"  # not complete yet
    client.post(f"/groupements/{consortium_id}/statut/complet")
    assert _consortium(db, consortium_id).status == "complete"
    refused = client.post(f"/groupements/{consortium_id}/inviter",
                          data={"organisation": orgs["food"].siret}, follow_redirects=True)
    assert "plus en constitution" in refused.get_data(as_text=True)
    client.post(f"/groupements/{consortium_id}/statut/deposer")
    assert _consortium(db, consortium_id).status == "submitted"
    submitted = db.scalars(select(Notification).where(Notification.kind == "consortium_submitted"))
    assert orgs["buyer"].id in {n.organisation_id for n in submitted}
    auth.logout()
    login(auth, "buyer")  # submitted: the buyer sees it now
    assert client.get(f"/groupements/{consortium_id}").status_code == 200


def test_missing_lot_blocks_completion(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "reuse")
    response = client.post("/groupements/nouveau", data={
        "posting_id": tender.id, "organisation_id": orgs["reuse"].id})
    consortium_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/groupements/{consortium_id}/inviter", data={"organisation": orgs["cargo"].name})
    _accept(client, auth, consortium_id, orgs, "cargo")
    auth.logout()
    login(auth, "reuse")
    page = client.post(f"/groupements/{consortium_id}/statut/complet",
                       follow_redirects=True).get_data(as_text=True)
    assert "Lots sans titulaire" in page
    assert "Collecte du mobilier en vélo-cargo" in page


def test_buyer_and_network_cannot_be_invited(client, auth, territory):
    orgs, tender, _ = territory
    login(auth, "reuse")
    response = client.post("/groupements/nouveau", data={
        "posting_id": tender.id, "organisation_id": orgs["reuse"].id})
    consortium_id = int(response.location.rsplit("/", 1)[1])
    for key in ("buyer", "network"):
        page = client.post(f"/groupements/{consortium_id}/inviter",
                           data={"organisation": orgs[key].siret},
                           follow_redirects=True).get_data(as_text=True)
        assert "Seuls un acteur de l&#39;ESS ou une entreprise" in page


def test_csv_export_and_printable_page(client, auth, db, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    consortium_id = _form_first(client, tender)
    response = client.get(f"/groupements/{consortium_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Organisation", "SIRET", "Forme juridique", "Rôle", "Lots"]
    by_name = {row[0]: row for row in rows[1:]}
    assert rows[1][0] == "Coursiers à vélo" and rows[1][3] == "mandataire"
    assert by_name["Trocantons Rezé"][1] == orgs["reuse"].siret
    assert by_name["Trocantons Rezé"][4] == "2" and by_name["Trocantons Rezé"][6] == "oui (déclaré)"
    assert by_name["ESAT des Jardins"][7] == "oui (déclaré)"
    assert by_name["Coursiers à vélo"][-1] == "400"
    page = client.get(f"/groupements/{consortium_id}/imprimer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "css/print.css" in html and orgs["reuse"].siret in html and "mandataire" in html
    assert "@media print" in client.get("/static/css/print.css").get_data(as_text=True)


def test_my_groupements_list(client, auth, territory):
    orgs, tender, _ = territory
    login(auth, "cargo")
    _form_first(client, tender)
    page = client.get("/groupements/").get_data(as_text=True)
    assert "Mobilier et cours des écoles" in page and "En constitution" in page
