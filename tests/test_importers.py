"""Real open-data imports end to end: slices of the repository's SIAE and DECP files (with
malformed rows injected), the official DECP JSON format, idempotence, awards as public
references, and the real-data territory whose suggestions come with explanations."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.matching import refresh_matches
from app.services.references import references_for
from matching.sectors import filieres_for_cpv, filieres_for_naf
from models import Award, Organisation, Posting
from models.validators import with_luhn_key
from seed.importers.common import ImportReport, RowSkipped, run_rows
from seed.importers.decp import external_id, import_decp
from seed.importers.decp_records import read_decp
from seed.importers.places import commune_index
from seed.importers.siae import import_siae
from seed.importers.territory import (
    load_real_territory,
    territory_contracts,
    territory_siae,
)
from tests.factories import NANTES, make_organisation, make_posting

DATA = Path(__file__).resolve().parents[1] / "data"
SIAE_FILE = DATA / "suppliers" / "siae_lemarche_fixture.csv"
PDL_FILE = DATA / "decp" / "decp_2018_2019_pays_de_la_loire.csv"
JSON_FIXTURE = Path(__file__).parent / "data" / "decp_marches_sample.json"
SLICE = 200


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, fieldnames: list[str], rows: list[dict], **kwargs) -> Path:
    with open(path, "w", newline="", encoding=kwargs.pop("encoding", "utf-8")) as handle:
        writer = csv.DictWriter(handle, fieldnames, extrasaction="ignore", **kwargs)
        writer.writeheader()
        writer.writerows(rows)
    return path


def skipped(report: ImportReport) -> dict[int, str]:
    return {issue.line: issue.reason for issue in report.skipped}


def warned(report: ImportReport) -> dict[int, str]:
    return {issue.line: issue.reason for issue in report.warnings}


# --- SIAE -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def siae_source() -> tuple[list[str], list[dict]]:
    return read_rows(SIAE_FILE)


@pytest.fixture
def siae_slice(tmp_path, siae_source) -> Path:
    """The first 200 SIAE, one GEIQ and one EA, with three bad rows; columns reversed and
    `website` dropped (columns are found by name)."""
    fieldnames, rows = siae_source
    extra = [next(r for r in rows if r["kind"] == kind) for kind in ("GEIQ", "EA")]
    chosen = [dict(row) for row in rows[:SLICE] + extra]
    chosen[2]["siret"] = "12345678901234"                                    # line 4
    chosen[4].update(post_code="99999", city="Nulle-Part", lat="", lon="")  # line 6
    chosen[6].update(name="", brand="")                                      # line 8
    columns = [name for name in reversed(fieldnames) if name != "website"]
    return write_rows(tmp_path / "siae.csv", columns, chosen)


def test_siae_slice_imports_and_reports_bad_rows_with_line_numbers(db, siae_slice):
    report = import_siae(db, siae_slice)

    assert skipped(report) == {4: "SIRET invalide", 6: "commune introuvable", 8: "nom manquant"}
    assert report.created == SLICE + 2 - 3
    assert db.scalar(select(func.count()).select_from(Organisation)) == report.created
    text = report.describe()
    assert "créées : 199, mises à jour : 0, ignorées : 3" in text
    assert "SIRET invalide : 1 — lignes 4 (12345678901234)" in text


def test_siae_rows_carry_legal_form_flags_activity_and_location(db, siae_slice, siae_source):
    import_siae(db, siae_slice)
    _, rows = siae_source
    by_kind = {kind: next(r for r in rows if r["kind"] == kind) for kind in ("ACI", "GEIQ", "EA")}
    aci = db.scalar(select(Organisation).where(Organisation.siret == by_kind["ACI"]["siret"]))
    geiq = db.scalar(select(Organisation).where(Organisation.siret == by_kind["GEIQ"]["siret"]))
    ea = db.scalar(select(Organisation).where(Organisation.siret == by_kind["EA"]["siret"]))

    assert (aci.kind, aci.legal_form_code, aci.siae, aci.ea_esat) == ("ess", "aci", True, False)
    assert (geiq.legal_form_code, geiq.siae) == ("geiq", False)
    assert (ea.legal_form_code, ea.siae, ea.ea_esat) == ("ea", False, True)
    naf = by_kind["ACI"]["naf"]
    assert aci.naf_code == naf and f"(NAF {naf})" in aci.capacities
    assert {f.id for f in aci.filieres} == filieres_for_naf(naf)
    assert aci.lat == pytest.approx(float(by_kind["ACI"]["lat"]))
    assert aci.commune.postcodes.find(by_kind["ACI"]["post_code"]) >= 0
    assert aci.source == "lemarche" and aci.website == ""  # the column was dropped
    described = next(r for r in rows[10:SLICE] if r["description"])
    assert db.scalar(select(Organisation.description).where(
        Organisation.siret == described["siret"])) == described["description"].strip()


def test_siae_import_is_idempotent_and_updates_what_changed(db, tmp_path, siae_slice):
    import_siae(db, siae_slice)
    stamps = dict(db.execute(select(Organisation.id, Organisation.updated_at)).all())

    again = import_siae(db, siae_slice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 199)
    db.expire_all()
    assert dict(db.execute(select(Organisation.id, Organisation.updated_at)).all()) == stamps

    fieldnames, rows = read_rows(siae_slice)
    rows[0]["name"] = rows[0]["brand"] = "Nouveau nom"
    changed = import_siae(db, write_rows(tmp_path / "changed.csv", fieldnames, rows))
    assert (changed.created, changed.updated) == (0, 1)


def test_siae_import_never_overwrites_an_organisation_managed_on_essaim(db, siae_slice):
    fieldnames, rows = read_rows(siae_slice)
    mine = make_organisation(db, "Notre fiche", siret=rows[0]["siret"])

    report = import_siae(db, siae_slice)

    assert warned(report)[2] == "fiche gérée sur Essaim : non modifiée"
    db.refresh(mine)
    assert mine.name == "Notre fiche" and mine.source == "user"


def test_the_official_file_verifies_statuses_by_siret_even_on_managed_organisations(
        db, siae_slice):
    from models import StatusDecision

    fieldnames, rows = read_rows(siae_slice)
    typed = rows[0]["siret"][:3] + " " + rows[0]["siret"][3:]  # matched once normalised
    mine = make_organisation(db, "Notre fiche", siret=typed, legal_form_code="association")
    ea_row = next(r for r in rows if r["kind"] == "EA")
    geiq_row = next(r for r in rows if r["kind"] == "GEIQ")

    import_siae(db, siae_slice)
    db.refresh(mine)
    assert mine.name == "Notre fiche" and mine.status_verified("siae")
    ea = db.scalar(select(Organisation).where(Organisation.siret == ea_row["siret"]))
    assert ea.status_verified("ea_esat") and not ea.siae
    geiq = db.scalar(select(Organisation).where(Organisation.siret == geiq_row["siret"]))
    assert geiq.statuses() == []  # a GEIQ is not an SIAE (art. L5132-4 du code du travail)
    decisions = db.scalar(select(func.count()).select_from(StatusDecision))
    import_siae(db, siae_slice)
    assert db.scalar(select(func.count()).select_from(StatusDecision)) == decisions


def test_siae_import_completes_a_buyer_stub_created_by_decp(db, siae_slice):
    fieldnames, rows = read_rows(siae_slice)
    stub = make_organisation(db, "ASSOC X", kind="public_buyer", source="decp",
                             siret=rows[0]["siret"])

    report = import_siae(db, siae_slice)

    assert report.updated == 1
    db.refresh(stub)
    assert (stub.kind, stub.source, stub.siae) == ("ess", "lemarche", True)


def test_semicolon_csv_with_bom_and_coordinates_only(db, tmp_path, siae_source):
    """A spreadsheet export (« ; », BOM) whose only location is a pair of coordinates."""
    _, rows = siae_source
    row = dict(next(r for r in rows if r["city"] == "Saint-Herblain"), post_code="", city="")
    path = write_rows(tmp_path / "excel.csv", ["siret", "name", "kind", "lat", "lon"], [row],
                      delimiter=";", encoding="utf-8-sig")

    report = import_siae(db, path)

    assert report.created == 1 and warned(report) == {2: "commune déduite des coordonnées"}
    organisation = db.scalar(select(Organisation))
    assert organisation.commune.in_metropole  # the nearest centroid: Saint-Herblain or Orvault
    assert organisation.lat == pytest.approx(float(row["lat"]))


def test_a_failing_row_leaves_nothing_behind(db):
    """One SAVEPOINT per row: what a row wrote before failing is rolled back."""
    def handle(line: int, row: dict) -> str:
        db.add(Organisation(kind="ess", name=row["name"], siret=with_luhn_key(f"80{line:011d}"),
                            commune_insee=NANTES))
        db.flush()
        if row["fail"]:
            raise RowSkipped("échec simulé")
        return "created"

    rows = [(2, {"name": "Gardée", "fail": False}), (3, {"name": "Annulée", "fail": True})]
    report = run_rows(db, rows, handle, ImportReport("test"))

    assert report.created == 1 and skipped(report) == {3: "échec simulé"}
    assert db.scalars(select(Organisation.name)).all() == ["Gardée"]


# --- DECP -----------------------------------------------------------------------------------

@pytest.fixture
def decp_slice(tmp_path) -> Path:
    """The first 200 Pays de la Loire contracts with five malformed rows (lines 12 to 16)."""
    fieldnames, rows = read_rows(PDL_FILE)
    chosen = [dict(row) for row in rows[:SLICE]]
    chosen[10]["acheteur_siret"] = "12345678901234"
    chosen[11]["date_notification"] = "0218-10-29"
    chosen[12]["code_cpv"] = "99999999"
    chosen[13]["objet"] = ""
    chosen[14].update(acheteur_siret=with_luhn_key("7000000000001"), acheteur_nom="Régie X",
                      lieu_code="ZZ", lieu_type_code="Code pays", lieu_departement_guess="")
    return write_rows(tmp_path / "decp.csv", list(reversed(fieldnames)), chosen)


def test_decp_slice_imports_closed_tenders_and_reports_bad_rows(db, decp_slice):
    report = import_decp(db, decp_slice)

    assert skipped(report) == {12: "SIRET de l'acheteur invalide",
                               15: "objet du marché manquant",
                               16: "commune de l'acheteur introuvable"}
    assert warned(report)[13] == "date de notification invalide : date ignorée"
    assert warned(report)[14] == "code CPV invalide : ignoré"
    assert report.created + report.updated + report.unchanged + 3 == SLICE
    postings = db.scalars(select(Posting)).all()
    assert len(postings) == report.created
    assert {(p.direction, p.type, p.status, p.close_reason, p.source) for p in postings} == {
        ("need", "tender", "closed", "awarded", "decp")}
    assert {p.organisation.kind for p in postings} == {"public_buyer"}


def test_decp_posting_has_cpv_filieres_dates_and_awards(db, decp_slice):
    _, rows = read_rows(decp_slice)
    first = rows[0]  # CC Sud Estuaire, « Réalisation d'essais… », CPV 90490000
    import_decp(db, decp_slice)
    record = read_decp(decp_slice)[0][1]
    posting = db.scalar(select(Posting).where(Posting.external_id == external_id(record)))

    assert [c.code for c in posting.cpv_codes] == [first["cpv8"]]
    assert {f.id for f in posting.filieres} == filieres_for_cpv(first["cpv8"])
    assert posting.organisation.siret == first["acheteur_siret"]
    assert posting.budget_max == 100000
    awards = db.scalars(select(Award).where(Award.posting_id == posting.id)).all()
    assert [(a.winner_siret, a.winner_name) for a in awards] == [
        (first["titulaires_siret"], first["titulaires_nom"])]
    no_cpv = db.scalar(select(Posting).where(Posting.external_id == external_id(
        read_decp(decp_slice)[12][1])))
    assert no_cpv.cpv_codes == []


def test_decp_import_is_idempotent(db, decp_slice):
    first = import_decp(db, decp_slice)
    counts = [db.scalar(select(func.count()).select_from(model))
              for model in (Posting, Award, Organisation)]

    again = import_decp(db, decp_slice)

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created + first.updated + first.unchanged
    assert [db.scalar(select(func.count()).select_from(model))
            for model in (Posting, Award, Organisation)] == counts


def test_awards_become_public_references_by_siret(db, decp_slice):
    _, rows = read_rows(decp_slice)
    winner = make_organisation(db, "Hydroservice", kind="company",
                               siret=rows[0]["titulaires_siret"])
    import_decp(db, decp_slice)
    later_siret = rows[1]["titulaires_siret"]

    known = references_for(db, winner)
    assert [a.organisation_id for a in known] == [winner.id]
    assert known[0].posting.title.startswith("R")
    latecomer = make_organisation(db, "Arrivée après l'import", kind="company",
                                  siret=later_siret)
    assert references_for(db, latecomer)[0].winner_siret == later_siret


def test_decp_json_fixture_and_csv_give_the_same_contracts(db, decp_slice):
    report = import_decp(db, JSON_FIXTURE)

    assert (report.created, report.skipped) == (4, [])
    assert warned(report)[3] == "code CPV invalide : ignoré"
    lys = db.scalar(select(Posting).where(Posting.title.startswith("Travaux de voirie")))
    assert len(db.scalars(select(Award).where(Award.posting_id == lys.id)).all()) == 2
    concession = db.scalar(select(Posting).where(Posting.title.startswith("CONCESSION")))
    assert concession.organisation.name == "DEPARTEMENT DU GERS"
    assert concession.organisation.commune.name == "Auch"  # a département's chef-lieu
    before = db.scalar(select(func.count()).select_from(Posting))

    csv_report = import_decp(db, decp_slice)

    total = db.scalar(select(func.count()).select_from(Posting))
    assert total == before + csv_report.created  # rows 2 and 50 matched the JSON contracts
    key = external_id(read_decp(JSON_FIXTURE)[0][1])
    assert db.scalar(select(func.count()).where(Posting.external_id == key)) == 1


def test_places_resolve_postcodes_cedex_and_chefs_lieux():
    index = commune_index()
    assert index.from_postcode("44800", "Saint-Herblain") == "44162"
    assert index.from_postcode("44186", "Nantes Cedex 4") == "44109"
    assert [index.chef_lieu(d) for d in ("44", "49", "53", "72", "85")] == [
        "44109", "49007", "53130", "72181", "85191"]
    assert index.named_in("Mairie de St  Herblain", "44") == "44162"
    assert index.named_in("Sèvre Loire Habitat", "49") is None  # Loiré is not meant
    assert index.named_in("Commune d'Indre", "44") == "44074"


# --- Real-data territory --------------------------------------------------------------------

@pytest.fixture
def territory(db):
    """Loire-Atlantique's SIAE and the first 150 Pays de la Loire contracts."""
    return load_real_territory(db, territory_siae(departments=("44",)),
                               territory_contracts()[:150])


def test_real_territory_loads(db, territory):
    siae, contracts = territory
    assert siae.created == 58 and siae.skipped == []
    assert contracts.created > 100 and contracts.figures["acheteurs créés"] > 10
    assert db.scalar(select(func.count()).where(Organisation.siae.is_(True))) > 40


def test_a_new_need_in_the_real_territory_gets_explained_suggestions(app, db, territory):
    buyer = db.scalar(select(Organisation).where(Organisation.kind == "public_buyer",
                                                 Organisation.commune_insee == NANTES))
    need = make_posting(db, buyer, "Entretien des espaces verts des écoles", type="tender",
                        description="Tonte, taille des haies et désherbage manuel des espaces "
                                    "verts de trois groupes scolaires, avec clause d'insertion.")

    with app.app_context():  # the index this process holds lives on the app
        matches = refresh_matches(db, need)

    assert len(matches) >= 5
    assert all(m.explanation and m.components for m in matches)
    top = [m.organisation.name for m in matches[:3]]
    assert any("CHANTIER VERT" in name for name in top), top
