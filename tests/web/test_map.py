"""The map: its page (offline background by default), its GeoJSON markers and their filters,
and the CSP allowing a configured tile server."""

from flask import Flask

from app.security import CSP, headers_for, tile_origin
from models import Commune
from tests.factories import REZE, text
from tests.observatory_world import build_observatory_world


def features(client, query: str = "") -> dict[str, dict]:
    response = client.get(f"/carte/marqueurs.json{query}")
    assert response.status_code == 200
    assert response.json["type"] == "FeatureCollection"
    return {(f["properties"]["layer"], f["properties"]["name"]): f
            for f in response.json["features"]}


def test_markers_are_organisations_and_open_needs(client, db):
    world = build_observatory_world(db)
    found = features(client)
    names = {name for layer, name in found if layer == "organisations"}
    assert names == {"Ressourcerie de l'Erdre", "Chantier Bâtir", "Cuisine d'insertion",
                     "Ville de Rezé", "BTP Ouest"}
    # Only published needs: not the closed tenders, the draft or the offer.
    assert {name for layer, name in found if layer == "besoins"} == {
        "Collecte des encombrants", "Repas bio"}
    need = found[("besoins", "Collecte des encombrants")]["properties"]
    assert need["url"] == f"/annonces/{world['posts']['t1'].id}"
    assert need["detail"] == "Ville de Rezé" and need["commune"] == "Rezé"
    organisation = found[("organisations", "BTP Ouest")]["properties"]
    assert organisation["url"] == f"/annuaire/{world['orgs']['btp'].id}"
    assert organisation["detail"] == "Entreprise"


def test_coordinates_are_the_organisation_s_own_else_its_commune_s(client, db):
    build_observatory_world(db)
    found = features(client)
    assert found[("organisations", "Ressourcerie de l'Erdre")]["geometry"]["coordinates"] == [
        -1.52, 47.25]
    reze = db.get(Commune, REZE)
    assert found[("organisations", "Chantier Bâtir")]["geometry"]["coordinates"] == [
        round(reze.lon, 5), round(reze.lat, 5)]


def test_markers_follow_the_directory_filters_and_layers(client, db):
    build_observatory_world(db)
    reuse = features(client, "?filiere=reemploi")
    assert set(reuse) == {("organisations", "Ressourcerie de l'Erdre"),
                          ("organisations", "Chantier Bâtir"),
                          ("besoins", "Collecte des encombrants")}
    assert set(features(client, f"?commune={REZE}&couche=organisations")) == {
        ("organisations", "Chantier Bâtir"), ("organisations", "Ville de Rezé")}
    assert set(features(client, "?siae=y&couche=organisations")) == {
        ("organisations", "Chantier Bâtir")}
    assert set(features(client, "?q=repas&couche=besoins")) == {("besoins", "Repas bio")}
    assert features(client, "?filiere=inconnue&couche=inconnue")  # unknown values are ignored


def test_page_without_tiles_shows_the_offline_background(client, db):
    build_observatory_world(db)
    response = client.get("/carte/?filiere=reemploi")
    page = text(response)
    assert response.status_code == 200
    assert 'class="map map-offline"' in page and 'data-tiles=""' in page
    assert "/carte/marqueurs.json?filiere=reemploi" in page
    assert '"name": "Bouaye"' in page  # the communes drawn as landmarks
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert response.headers["Content-Security-Policy"] == CSP


def test_a_configured_tile_server_is_the_only_image_origin_added():
    app = Flask("tiles")
    app.config["MAP_TILES"] = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    csp = headers_for(app)["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.example.org" in csp
    assert "script-src 'self';" in csp
    assert tile_origin("") == "" and tile_origin("tuiles/{z}.png") == ""
