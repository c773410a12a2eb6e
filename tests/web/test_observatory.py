"""The observatory's figures against the hand-counted territory of tests/observatory_world.py,
its page, its CSV downloads and the animators' export."""

from datetime import date

import pytest

from app.services import observatory
from tests.factories import PASSWORD, text
from tests.observatory_world import build_observatory_world


@pytest.fixture(autouse=True)
def fresh_figures():
    observatory.CACHE.clear()
    yield
    observatory.CACHE.clear()


@pytest.fixture
def world(db):
    return build_observatory_world(db)


def rows_by_label(figure) -> dict:
    return {row[0]: tuple(row[1:]) for row in figure.rows}


def test_organisations_by_filiere_commune_and_legal_form(db, world):
    by_filiere = rows_by_label(observatory.organisations_by_filiere(db))
    # eco-construction: Chantier (ESS) and BTP (company); réemploi: Ressourcerie and Chantier.
    assert by_filiere["Éco-construction solidaire"] == (2, 1)
    assert by_filiere["Réemploi et économie des ressources"] == (2, 2)
    assert by_filiere["Alimentation et circuits courts"] == (1, 1)
    assert by_filiere["Santé pour tous"] == (0, 0)
    assert len(by_filiere) == 10  # every filière, even without organisations
    assert rows_by_label(observatory.organisations_by_commune(db)) == {
        "Nantes": (2, 2), "Rezé": (2, 1), "Saint-Herblain": (1, 0)}
    assert rows_by_label(observatory.organisations_by_legal_form(db)) == {
        "Association loi 1901": (1,), "ACI (atelier et chantier d'insertion)": (1,),
        "EI (entreprise d'insertion)": (1,), "Commune": (1,), "Non renseignée": (1,)}


def test_postings_matches_groupements_awards_and_hours_by_filiere(db, world):
    reuse, eco, food = ("Réemploi et économie des ressources", "Éco-construction solidaire",
                        "Alimentation et circuits courts")
    postings = rows_by_label(observatory.postings_by_filiere(db))
    assert (postings[reuse], postings[eco], postings[food]) == ((2, 1), (2, 0), (1, 0))  # no draft
    assert rows_by_label(observatory.postings_by_commune(db)) == {
        "Rezé": (2, 0), "Nantes": (1, 1), "Saint-Herblain": (1, 0)}
    matches = rows_by_label(observatory.matches_by_filiere(db))
    assert (matches[reuse], matches[eco], matches[food]) == ((2, 2), (1, 0), (1, 0))
    consortia = rows_by_label(observatory.consortia_by_filiere(db))
    assert (consortia[reuse], consortia[eco], consortia[food]) == ((1, 1), (2, 1), (0, 0))
    awards = rows_by_label(observatory.awards_by_filiere(db))
    assert (awards[reuse], awards[eco], awards[food]) == ((1, 1), (2, 1), (0, 0))
    hours = rows_by_label(observatory.insertion_by_filiere(db))
    assert (hours[reuse], hours[eco], hours[food]) == ((2, 800), (1, 500), (0, 0))


def test_public_procurement_shares(db, world):
    # t1 has an ESS match accepted, t2 an ESS groupement; t3's ESS structure was only invited.
    assert observatory.procurement_counts(db) == {
        "tenders": 3, "with_ess_candidates": 2, "awarded": 2, "won_by_ess": 1,
        "insertion_hours": 800, "reserved": 1}
    figure = rows_by_label(observatory.procurement(db))
    assert figure["Part des appels d'offres avec candidature ESS (%)"] == (66.7,)
    assert figure["Part des attributions remportées par l'ESS (%)"] == (50.0,)


def test_key_numbers(db, world):
    assert observatory.headline(db) == {"organisations": 5, "ess": 3, "needs": 4, "offers": 1,
                                        "answered": 2, "consortia": 1, "awards_ess": 1}


def test_sdg_counts_each_organisation_and_need_once_per_goal(db, world):
    rows = {label.split(" · ")[0]: values
            for label, *values in observatory.sdg_figure(db, {}).rows}
    # réemploi → 8, 12, 13; éco-construction → 8, 11, 12; alimentation → 2, 3, 12.
    assert rows["ODD 12"] == [4, 4]
    assert rows["ODD 8"] == [3, 3]
    assert rows["ODD 13"] == [2, 2]
    assert rows["ODD 11"] == [2, 2]
    assert rows["ODD 2"] == rows["ODD 3"] == [1, 1]
    assert rows["ODD 7"] == [0, 0]


def test_timeline_by_month(db, world):
    figure = observatory.timeline(db)
    this_month = date.today().strftime("%Y-%m")
    assert [row[0] for row in figure.rows] == ["2025-03", "2025-06", this_month]
    assert rows_by_label(figure) == {"2025-03": (0, 0, 0, 0, 0, 1), "2025-06": (0, 0, 0, 0, 0, 1),
                                     this_month: (5, 4, 1, 2, 2, 0)}


def test_empty_territory_gives_zeros_not_errors(db):
    assert observatory.procurement_counts(db)["tenders"] == 0
    assert observatory.timeline(db).rows == []
    assert all(figure is not None for figure in observatory.all_figures(db))


def test_page_shows_every_figure_with_chart_table_and_csv_link(client, world):
    response = client.get("/observatoire/")
    assert response.status_code == 200
    page = text(response)
    for key in observatory.FIGURES:
        assert f'id="{key}"' in page
        assert f"/observatoire/{key}.csv" in page
    assert page.count("<svg") >= 9
    assert "Part des attributions remportées par l'ESS (%)" in page
    assert "Exporter tous les indicateurs" not in page  # animators only


def test_figure_csv_download(client, world):
    response = client.get("/observatoire/commande-publique.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="essaim-commande-publique.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Indicateur;Valeur"
    assert "Appels d'offres publiés;3" in lines
    assert "Heures d'insertion des clauses sociales;800" in lines
    assert client.get("/observatoire/inconnu.csv").status_code == 404


def test_animator_export_lists_every_indicator(client, auth, world):
    assert "/compte/connexion" in client.get("/observatoire/indicateurs.csv").location
    auth.create_user("membre@example.org", PASSWORD)
    auth.login("membre@example.org", PASSWORD)
    assert client.get("/observatoire/indicateurs.csv").status_code == 403
    auth.logout()
    auth.create_user("animateur@example.org", PASSWORD, is_animator=True)
    auth.login("animateur@example.org", PASSWORD)
    assert "Exporter tous les indicateurs" in text(client.get("/observatoire/"))
    response = client.get("/observatoire/indicateurs.csv")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Indicateur;Catégorie;Mesure;Valeur"
    assert "Chiffres clés;Structures de l'ESS;Nombre;3" in lines
    assert ("Marchés attribués par filière;Éco-construction solidaire;"
            "dont à des structures de l'ESS;1") in lines
    assert "Commande publique;Appels d'offres attribués;Valeur;2" in lines
