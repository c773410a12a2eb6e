"""The purchase-plan analysis end to end: a buyer uploads, the queue analyses with the real
matcher, index and CPV model, the report, CSV and printable page show it; a few lines are
checked by hand against a small territory; only buyers upload, only the owner reads."""

import csv
import io
from pathlib import Path

import pytest

from app.services import cpv_suggestions
from app.services.purchase_plan import CLAUSE_MIN_AMOUNT, RESERVED_MIN, feasibility
from matching.cpv import CpvSuggester
from models import Organisation, PurchasePlan
from tests.factories import (
    PASSWORD,
    build_territory,
    email_of,
    make_membership,
    make_organisation,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "plan_achats_exemple.csv"
# Three SIAE and one EA doing office cleaning, one EA doing green spaces, near Rezé.
CLEANERS = [
    ("Propreté Solidaire Rezé", "44143", dict(siae=True, legal_form_code="ei")),
    ("Net'Insertion Nantes", "44109", dict(siae=True, legal_form_code="aci")),
    ("Clair Parcours Saint-Herblain", "44162", dict(siae=True, legal_form_code="ei")),
    ("Nettoyage Adapté Loire", "44109", dict(ea_esat=True, legal_form_code="ea")),
]
# Three building trades near Rezé: the multi-trade lines can be answered by a groupement.
BUILDERS = [
    ("Bâti Insertion Rezé", "44143", dict(siae=True, legal_form_code="aci"),
     "Chantier d'insertion du bâtiment : gros œuvre, maçonnerie des façades, ravalement."),
    ("Couleurs Solidaires", "44109", dict(siae=True, legal_form_code="ei"),
     "Entreprise d'insertion de peinture : peinture intérieure et extérieure, revêtements "
     "muraux et de sols."),
    ("Électriciens Solidaires Loire", "44162", dict(legal_form_code="scop"),
     "Coopérative d'électricité du bâtiment : courants forts et faibles, mise aux normes, "
     "rénovation électrique."),
]
HAND_PLAN = ("Objet;Montant estimé (€ HT);Date prévisionnelle;Code CPV\n"
             "Prestations de nettoyage des locaux administratifs;27 955;01/2027;90910000\n"
             "Entretien des espaces verts et tonte des pelouses;130 894,76;T1 2027;\n"
             "Prestations de restauration collective, repas des écoles;55 000;2027;\n"
             "Location de nacelles élévatrices pour l'éclairage des stades;90 000;2027;\n")


@pytest.fixture(scope="module", autouse=True)
def cpv_model():
    """The default suggester (every DECP subject and CPV label), trained once here."""
    model = CpvSuggester.train_default(ROOT / "data")
    cpv_suggestions.set_suggester(model)
    yield model
    cpv_suggestions.set_suggester(None)


def add_local_suppliers(db) -> None:
    """The cleaners, the green-spaces EA and the builders (committed: the app sees them)."""
    for name, commune, flags in CLEANERS:
        make_organisation(db, name, commune_insee=commune, headcount=25, description=(
            "Nettoyage des locaux administratifs, bureaux et écoles : entretien, vitrerie, "
            "prestations de propreté par des salariés en parcours d'insertion."), **flags)
    make_organisation(db, "Jardins Adaptés de l'Erdre", commune_insee="44109", ea_esat=True,
                      legal_form_code="ea", headcount=30, description=(
                          "Entreprise adaptée : entretien des espaces verts, tonte des "
                          "pelouses, taille des haies pour les communes."))
    for name, commune, flags, description in BUILDERS:
        make_organisation(db, name, commune_insee=commune, headcount=15, description=description,
                          filieres=["eco-construction"], **flags)


@pytest.fixture
def territory(db, session_factory):
    ids = build_territory(session_factory)
    add_local_suppliers(db)
    return ids


def login(auth, key: str) -> None:
    assert auth.login(email_of(key), PASSWORD).status_code == 302


def upload(client, data: bytes, name: str = "plan.csv"):
    return client.post("/plan-achats/", data={"fichier": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def analysed_plan(db) -> PurchasePlan:
    db.expire_all()
    plan = db.query(PurchasePlan).order_by(PurchasePlan.id.desc()).first()
    assert plan is not None and plan.status == "done"
    return plan


def test_lines_checked_by_hand(client, auth, db, territory):
    login(auth, "buyer")
    response = upload(client, HAND_PLAN.encode())
    assert response.status_code == 303
    plan = analysed_plan(db)
    cleaning, green, food, lift = plan.result["lines"]

    # Office cleaning: the three SIAE cleaners (and the EA) are found, named and explained.
    names = {s["name"] for s in cleaning["suppliers"]}
    assert {"Propreté Solidaire Rezé", "Net'Insertion Nantes",
            "Clair Parcours Saint-Herblain", "Nettoyage Adapté Loire"} <= names
    assert cleaning["cpv"] == {**cleaning["cpv"], "code": "90910000", "source": "fourni"}
    assert cleaning["siae_count"] >= RESERVED_MIN and "siae" in cleaning["reserved"]
    assert "ea_esat" not in cleaning["reserved"]  # one EA only
    assert cleaning["clause"] is False  # 27 955 € HT: below the clause threshold
    assert cleaning["potential"] == "fort"
    assert all("nettoyage" in s["why"] for s in cleaning["suppliers"]
               if s["name"] in names and "Propreté" in s["name"])

    # Green spaces: the CPV is suggested (77…); one EA only: no reserved market, a clause.
    assert green["cpv"]["source"] == "suggéré" and green["cpv"]["code"].startswith("773")
    assert "Jardins Adaptés de l'Erdre" in {s["name"] for s in green["suppliers"]}
    assert green["reserved"] == [] and green["clause"] is True
    assert green["potential"] == "moyen"

    # Catering: suggested CPV in division 55 maps to the « alimentation » filière.
    assert food["cpv"]["code"].startswith("55")
    assert [f["id"] for f in food["filieres"]] == ["alimentation"]
    assert "Cuisine d'insertion" in {s["name"] for s in food["suppliers"]}

    # Renting aerial platforms: nobody in the directory does it.
    assert lift["supplier_count"] == 0 and lift["potential"] == "aucun"
    assert lift["reserved"] == [] and lift["clause"] is False

    summary = {row["id"]: row for row in plan.result["summary"]}
    assert summary["alimentation"]["lines"] == 1
    assert summary["alimentation"]["amount"] == 55000.0
    assert plan.result["totals"]["lines"] == 4


def test_sample_plan_from_excel_report_csv_and_printable_page(client, auth, db, territory):
    login(auth, "buyer")
    xlsx = SAMPLE.with_suffix(".xlsx")  # the Excel twin of the CSV (the browser test sends it)
    response = upload(client, xlsx.read_bytes(), xlsx.name)
    plan = analysed_plan(db)
    assert response.location.endswith(f"/plan-achats/{plan.id}")
    assert plan.line_count == 25 and len(plan.result["lines"]) == 25
    lines = plan.result["lines"]
    multi = [line for line in lines if line["groupement"]]
    assert {line["number"] for line in multi} == {25, 26}  # the two multi-trade lines
    facades = multi[0]["groupement"]
    assert facades["lots"] == ["maçonnerie des façades", "peinture extérieure"]
    assert facades["feasible"] and facades["uncovered"] == []
    holders = {lot: m["name"] for m in facades["members"] for lot in m["lots"]}
    assert holders == {"maçonnerie des façades": "Bâti Insertion Rezé",
                       "peinture extérieure": "Couleurs Solidaires"}
    assert multi[1]["groupement"]["lots"] == [
        "gros œuvre", "menuiseries intérieures", "électricité", "peinture",
        "revêtements muraux"]

    page = client.get(f"/plan-achats/{plan.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Synthèse par filière" in html and "Prestations de nettoyage" in html

    exported = client.get(f"/plan-achats/{plan.id}.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True).lstrip("\ufeff")
    head, summary = text.split("\r\n\r\n")
    rows = list(csv.DictReader(io.StringIO(head), delimiter=";"))
    assert len(rows) == 25 and rows[0]["cpv"] == "90910000"
    assert rows[0]["objet"] == lines[0]["objet"]
    summary_rows = list(csv.DictReader(io.StringIO(summary), delimiter=";"))
    assert sum(int(r["lignes"]) for r in summary_rows) >= 25

    printable = client.get(f"/plan-achats/{plan.id}/imprimer")
    assert printable.status_code == 200 and "data-print" in printable.get_data(as_text=True)


def test_bad_files_get_french_errors_and_nothing_is_stored(client, auth, db, territory):
    login(auth, "buyer")
    cases = [
        (b"nom;prix\nchaises;12\n", "Colonnes introuvables"),
        (b"objet;montant;date\nNettoyage;douze euros;2027\n", "Ligne 2 : montant"),
        (b"", "Le fichier est vide"),
        (("objet;montant;date\n" + "Nettoyage;1000;2027\n" * 600).encode(), "plus de 500"),
    ]
    for data, message in cases:
        response = upload(client, data)
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True)
    wrong_type = upload(client, b"%PDF-1.4", "plan.pdf")
    assert "CSV ou Excel" in wrong_type.get_data(as_text=True)
    huge = upload(client, b"x" * (3 * 1024 * 1024))
    assert huge.status_code == 400 and "dépasse 2 Mo" in huge.get_data(as_text=True)
    assert db.query(PurchasePlan).count() == 0


def test_only_buyers_upload_and_only_the_owner_reads(client, auth, db, territory):
    login(auth, "siae_reuse")  # an ESS organisation, not a buyer
    assert client.get("/plan-achats/").status_code == 403
    assert upload(client, HAND_PLAN.encode()).status_code == 403
    auth.logout()
    login(auth, "buyer")
    dashboard = client.get("/tableau-de-bord/").get_data(as_text=True)
    assert "Analyser votre plan d'achats" in dashboard
    assert client.get(f"/plan-achats/?organisation_id={territory['buyer']}").status_code == 200
    assert client.get(f"/plan-achats/?organisation_id={territory['cargo']}").status_code == 403
    upload(client, HAND_PLAN.encode())
    plan = analysed_plan(db)
    auth.logout()
    other = make_organisation(db, "Ville de Bouguenais", kind="public_buyer",
                              commune_insee="44020")
    user = auth.create_user("acheteur@bouguenais.example", PASSWORD)
    make_membership(db, user.id, other, role="owner")
    assert auth.login("acheteur@bouguenais.example", PASSWORD).status_code == 302
    for url in (f"/plan-achats/{plan.id}", f"/plan-achats/{plan.id}.csv",
                f"/plan-achats/{plan.id}/imprimer"):
        assert client.get(url).status_code == 404, url
    assert "Ville de Rezé" not in client.get("/plan-achats/").get_data(as_text=True)


def test_pending_plan_shows_the_waiting_page(client, auth, db, territory):
    buyer = db.get(Organisation, territory["buyer"])
    plan = PurchasePlan(organisation=buyer, filename="plan.csv", status="pending", line_count=3,
                        lines=[])
    db.add(plan)
    db.commit()
    login(auth, "buyer")
    page = client.get(f"/plan-achats/{plan.id}").get_data(as_text=True)
    assert "Calcul en cours" in page and 'http-equiv="refresh"' in page
    assert client.get(f"/plan-achats/{plan.id}.csv").status_code == 302


@pytest.mark.parametrize(("amount", "siae", "ea", "reserved", "clause", "potential"), [
    (10_000, 3, 0, ["siae"], False, "fort"),
    (CLAUSE_MIN_AMOUNT, 1, 0, [], True, "moyen"),
    (CLAUSE_MIN_AMOUNT - 1, 2, 0, [], False, "faible"),
    (500_000, 0, 3, ["ea_esat"], True, "fort"),
    (500_000, 0, 0, [], False, "aucun"),
])
def test_feasibility_thresholds(amount, siae, ea, reserved, clause, potential):
    verdict = feasibility(amount, siae + ea, siae, ea)
    assert (verdict["reserved"], verdict["clause"], verdict["potential"]) == (
        reserved, clause, potential)


def test_a_failed_analysis_says_so_instead_of_waiting_for_ever(client, auth, db, territory,
                                                                monkeypatch):
    from app.services import purchase_plan

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(purchase_plan, "analyse_lines", broken)
    login(auth, "buyer")
    upload(client, HAND_PLAN.encode())
    db.expire_all()
    plan = db.query(PurchasePlan).one()
    assert plan.status == "failed" and plan.result is None
    page = client.get(f"/plan-achats/{plan.id}").get_data(as_text=True)
    assert "n'a pas pu aboutir" in page and 'http-equiv="refresh"' not in page
    assert client.get(f"/plan-achats/{plan.id}/imprimer").status_code == 302


def test_suitability_needs_a_word_or_a_theme_in_common():
    from app.services.purchase_plan import Themes, suitable

    assert suitable(0.5, shares_words=True, shares_theme=False)
    assert not suitable(0.9, shares_words=False, shares_theme=False)  # found by meaning alone
    assert suitable(0.35, shares_words=True, shares_theme=True)  # « tonte » ~ espaces verts
    assert not suitable(0.35, shares_words=True, shares_theme=False)
    themes = Themes()
    assert themes.of("a", "Tonte des pelouses") == themes.of("b", "Entretien des espaces verts")
    assert themes.of("c", "Permis de conduire pour personnes en insertion") == frozenset(
        {"~mobilite-emploi"})  # who works (insertion) is not a trade
