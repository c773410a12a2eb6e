"""Open-data routes: directory CSV with the directory's filters, an organisation's own data
(members only), the needs JSON export, CPV suggestions (JSON and htmx partial), the CPV model
cache, the references partial and the data commands."""

import csv
import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.services import cpv_suggestions
from app.services.exports import DIRECTORY_COLUMNS
from matching.cpv import CpvSuggester, load_cpv_labels, load_decp_examples
from models import Award
from tests.factories import REZE, make_directory, make_membership, make_posting

DATA = Path(__file__).resolve().parents[2] / "data"
HTMX = {"HX-Request": "true"}
PASSWORD = "motdepasse-solide"
TRAINING_SLICE = 1500


@pytest.fixture(scope="module", autouse=True)
def cpv_model():
    """A suggester fitted on every CPV label and 1,500 DECP subjects (about 3 s)."""
    examples = load_decp_examples(DATA)[:TRAINING_SLICE]
    model = CpvSuggester(load_cpv_labels(DATA)).fit([e.text for e in examples],
                                                     [e.code for e in examples])
    cpv_suggestions.set_suggester(model)
    yield model
    cpv_suggestions.set_suggester(None)


def parse_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def directory(db):
    """A description that a spreadsheet would run as a formula, to check it is neutralised."""
    return make_directory(db, "=HYPERLINK(\"http://x\") collecte et revente.")


def test_directory_csv_has_french_headers_and_every_organisation(client, directory):
    response = client.get("/donnees/annuaire.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = parse_csv(response)
    assert list(rows[0]) == [name for name, _ in DIRECTORY_COLUMNS]
    assert list(rows[0])[:4] == ["Identifiant Essaim", "Nom", "SIRET", "Type"]
    by_name = {row["Nom"]: row for row in rows}
    assert set(by_name) == {o.name for o in directory.values()}
    chantier = by_name["Chantier d'insertion Bâtir"]
    assert (chantier["SIAE"], chantier["Agrément ESUS"], chantier["Commune"]) == (
        "oui", "non", "Rezé")
    assert chantier["Forme juridique"].startswith("ACI")
    assert by_name["Ressourcerie de l'île"]["Présentation"].startswith("'=HYPERLINK")


@pytest.mark.parametrize(("query", "expected"), [
    ("filiere=reemploi", {"ressourcerie"}),
    (f"commune={REZE}", {"chantier", "mairie"}),
    ("forme=aci", {"chantier"}),
    ("type=public_buyer", {"mairie"}),
    ("esus=y", {"ressourcerie"}),
    ("siae=y&qpv=y", {"chantier"}),
    ("q=bâtir", {"chantier"}),
])
def test_directory_csv_applies_the_directory_filters(client, directory, query, expected):
    rows = parse_csv(client.get(f"/donnees/annuaire.csv?{query}"))
    assert {row["Nom"] for row in rows} == {directory[key].name for key in expected}


def test_organisation_csv_is_for_its_members_only(client, db, auth, directory):
    organisation = directory["ressourcerie"]
    url = f"/donnees/organisations/{organisation.id}.csv"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    user = auth.create_user("awa@example.org", PASSWORD, name="Awa")
    auth.login("awa@example.org", PASSWORD)
    assert client.get(url).status_code == 403

    make_membership(db, user.id, organisation, role="owner")
    make_posting(db, organisation, "Collecte de meubles", filieres=["reemploi"])
    response = client.get(url)

    assert response.status_code == 200
    rows = parse_csv(response)
    assert list(rows[0]) == ["Rubrique", "Identifiant", "Champ", "Valeur"]
    facts = {(row["Rubrique"], row["Champ"]): row["Valeur"] for row in rows}
    assert facts[("Organisation", "Nom")] == organisation.name
    assert facts[("Membre", "E-mail")] == "awa@example.org"
    assert facts[("Annonce", "Titre")] == "Collecte de meubles"
    assert facts[("Annonce", "Statut")] == "Publiée"


def test_needs_json_lists_open_needs_in_the_documented_shape(client, db, directory):
    mairie = directory["mairie"]
    need = make_posting(db, mairie, "Réemploi du mobilier scolaire", type="tender",
                        filieres=["reemploi"], cpv_codes=["39160000"],
                        deadline=date.today() + timedelta(days=30), budget_max=20000,
                        lots=[{"number": 1, "title": "Tables", "reserved": "siae"}])
    make_posting(db, mairie, "Brouillon", status="draft")
    make_posting(db, mairie, "Déjà attribué", status="closed")
    make_posting(db, mairie, "Offre", direction="offer")

    document = client.get("/donnees/besoins.json").get_json()

    assert (document["format"], document["version"], document["count"]) == (
        "essaim-besoins", 1, 1)
    item = document["needs"][0]
    assert set(item) == {"id", "url", "title", "description", "type", "organisation", "commune",
                         "filieres", "cpv", "deadline", "published_at", "budget", "reserved",
                         "insertion_hours", "lots"}
    assert item["id"] == need.id and item["url"].endswith(f"/annonces/{need.id}")
    assert item["organisation"] == {"id": mairie.id, "name": "Ville de Rezé",
                                    "siret": mairie.siret, "kind": "public_buyer"}
    assert item["commune"] == {"insee": REZE, "name": "Rezé"}
    assert item["filieres"] == ["reemploi"] and item["cpv"][0]["code"] == "39160000"
    assert item["budget"] == {"min": None, "max": 20000.0}
    assert item["lots"][0] == {"number": 1, "title": "Tables", "description": "",
                               "estimated_amount": None, "reserved": "siae"}


def test_cpv_suggestions_as_json(client):
    response = client.get("/donnees/cpv?texte=Entretien des espaces verts et tonte des pelouses")

    assert response.status_code == 200
    suggestions = response.get_json()
    assert len(suggestions) == 5
    assert set(suggestions[0]) == {"code", "label", "score"}
    assert suggestions[0]["code"] == "77310000"
    assert suggestions[0]["score"] >= suggestions[-1]["score"]


@pytest.mark.parametrize("query", ["", "?texte=", "?texte=ab", "?texte=%20%20x%20"])
def test_cpv_without_enough_text_is_a_json_400(client, query):
    response = client.get(f"/donnees/cpv{query}")
    assert response.status_code == 400
    assert "au moins 3 caractères" in response.get_json()["error"]


def test_cpv_htmx_partial(client):
    response = client.get("/donnees/cpv?texte=Fourniture de repas pour la cantine scolaire&"
                          "cible=cpv_codes", headers=HTMX)

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert page.count("data-cpv-code=") == 5
    assert 'data-cpv-target="cpv_codes"' in page and "hx-on" not in page  # CSP: no inline JS
    script = client.get("/static/js/essaim.js").get_data(as_text=True)
    assert "button[data-cpv-code]" in script and "dataset.cpvTarget" in script
    short = client.get("/donnees/cpv?texte=a&cible=x\"onload", headers=HTMX)
    assert short.status_code == 200 and "au moins 3 caractères" in short.get_data(as_text=True)


def test_cpv_model_is_trained_once_saved_and_reloaded(tmp_path, monkeypatch, cpv_model):
    """Lazy path on a small data folder: train and save, then load without training."""
    data_dir = tmp_path / "data"
    (data_dir / "decp").mkdir(parents=True)
    shutil.copy(DATA / "cpv2008_fr_en.csv", data_dir)
    with open(DATA / "decp" / "decp_2018_2019_flat.csv", encoding="utf-8") as source:
        head = [next(source) for _ in range(400)]
    (data_dir / "decp" / "decp_2018_2019_flat.csv").write_text("".join(head), encoding="utf-8")
    instance = tmp_path / "instance"
    cpv_suggestions.set_suggester(None)
    try:
        trained = cpv_suggestions.get_suggester(instance, data_dir)
        assert cpv_suggestions.model_path(instance).is_file()
        assert cpv_suggestions.get_suggester(instance, data_dir) is trained
        cpv_suggestions.set_suggester(None)
        monkeypatch.setattr(cpv_suggestions, "train", pytest.fail)
        reloaded = cpv_suggestions.get_suggester(instance, data_dir)
        assert reloaded.suggest("travaux de peinture")[0].code == trained.suggest(
            "travaux de peinture")[0].code
    finally:
        cpv_suggestions.set_suggester(cpv_model)


def test_references_partial_lists_awards(app, db, directory):
    from flask import render_template

    from app.services.references import references_for

    chantier, mairie = directory["chantier"], directory["mairie"]
    tender = make_posting(db, mairie, "Rénovation de l'école", type="tender", status="closed")
    db.add(Award(posting=tender, organisation=chantier, winner_siret=chantier.siret,
                 winner_name=chantier.name, amount=45000, notified_on=date(2019, 3, 4)))
    db.commit()

    with app.test_request_context():
        html = render_template("partials/org_references.html",
                               references=references_for(db, chantier))
        empty = render_template("partials/org_references.html", references=[])

    assert "Rénovation de l&#39;école" in html and "Ville de Rezé" in html
    assert "4 mars 2019" in html and "45\u202f000" in html
    assert "Aucun marché public attribué" in empty


@pytest.fixture
def data_cli(app):
    """The `flask` commands of the test app (the data commands come with create_app)."""
    return app.test_cli_runner()


def test_import_commands_print_a_summary(data_cli, session_factory, tmp_path):
    siae = tmp_path / "siae.csv"
    with open(DATA / "suppliers" / "siae_lemarche_fixture.csv", encoding="utf-8") as source:
        siae.write_text("".join(next(source) for _ in range(31)), encoding="utf-8")
    decp = Path(__file__).resolve().parents[1] / "data" / "decp_marches_sample.json"

    first = data_cli.invoke(args=["import-siae", str(siae)])
    again = data_cli.invoke(args=["import-siae", str(siae)])
    contracts = data_cli.invoke(args=["import-decp", str(decp)])

    assert first.exit_code == 0, first.output
    assert "créées : 30, mises à jour : 0, ignorées : 0" in first.output
    assert "créées : 0, mises à jour : 0, ignorées : 0, inchangées : 30" in again.output
    assert "créées : 4" in contracts.output and "code CPV invalide" in contracts.output
    bad = data_cli.invoke(args=["import-decp", str(siae)])
    assert bad.exit_code != 0 and "Colonne obligatoire absente" in bad.output


def test_real_territory_command(data_cli, session_factory):
    result = data_cli.invoke(args=["real-territory"])

    assert result.exit_code == 0, result.output
    output = result.output
    assert "SIAE des Pays de la Loire — créées : 234, mises à jour : 0, ignorées : 0" in output
    assert "Marchés publics des Pays de la Loire (DECP 2018-2019) — créées : 679" in output
    assert "lignes 480 (0218-10-29), 482 (0218-12-26)" in output


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+33 2 40", "-1+1", "@SUM(A1)",
            "\tcmd", "\rcmd"]


def read_csv(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_one_csv_writer_neutralises_formulas_and_keeps_values():
    from app.csvkit import to_csv

    rows = read_csv(to_csv(["Nom", "Montant"], [[text, 12] for text in FORMULAS]
                           + [[True, None], ["a;b", date(2026, 1, 2)]]))
    assert [row[0] for row in rows[1:7]] == ["'" + text for text in FORMULAS]
    assert rows[1][1] == "12" and rows[7] == ["oui", ""] and rows[8] == ["a;b", "2026-01-02"]


def test_groupement_export_goes_through_the_same_writer():
    """Regression (issue #9): the groupement export let `=HYPERLINK(…)` through."""
    from app.services.consortia.export import HEADERS, to_csv

    member = ["=HYPERLINK(\"http://evil.example\")", "12345678900011"] + ["x"] * 9
    rows = read_csv(to_csv([list(HEADERS), member]))
    assert rows[0] == list(HEADERS)
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\")" and rows[1][1] == "12345678900011"
