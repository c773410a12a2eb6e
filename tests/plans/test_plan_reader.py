"""Reading purchase plans: tolerant headers and French formats, French errors, no half-read."""

from pathlib import Path

import pytest

from app.services.plan_groupements import trades
from app.services.plan_reader import (
    MAX_LINES,
    PlanFileError,
    parse_amount,
    parse_date,
    read_plan,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _errors(data: bytes, name: str = "plan.csv") -> PlanFileError:
    with pytest.raises(PlanFileError) as caught:
        read_plan(data, name)
    return caught.value


@pytest.mark.parametrize(("text", "amount"), [
    ("12 500,50 €", 12500.5), ("12\u202f500,50", 12500.5), ("12.500,50", 12500.5),
    ("15 k€", 15000.0), ("3,5 M€", 3_500_000.0), ("1.234.567", 1_234_567.0),
    ("40000 € HT", 40000.0), (1200, 1200.0), (99.5, 99.5)])
def test_french_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["abc", "", "-12", "0", "12,5,3", True])
def test_unreadable_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(("text", "iso"), [
    ("15/03/2027", "2027-03-15"), ("03/2027", "2027-03-01"), ("2027-03-15", "2027-03-15"),
    ("T2 2027", "2027-04-01"), ("2027", "2027-01-01"), ("trimestre 4 2027", "2027-10-01")])
def test_planned_dates(text, iso):
    assert parse_date(text).isoformat() == iso


def test_sample_csv_and_xlsx_read_the_same_lines():
    csv_lines = read_plan((SAMPLES / "plan_achats_exemple.csv").read_bytes(), "a.csv")
    xlsx_lines = read_plan((SAMPLES / "plan_achats_exemple.xlsx").read_bytes(), "a.xlsx")
    assert len(csv_lines) == 25
    assert csv_lines == xlsx_lines
    first = csv_lines[0]
    assert (first.number, first.amount, first.planned, first.cpv) == (
        2, 27955.0, "2027-01-01", "90910000")
    assert csv_lines[1].cpv is None and csv_lines[1].amount == 130894.76


def test_tolerant_headers_comma_separator_and_latin1():
    data = ("Intitulé du marché,Budget (€ TTC),Échéance,CPV\n"
            "Nettoyage des locaux,\"12 000,50\",T1 2027,90910000-7\n").encode("cp1252")
    [line] = read_plan(data, "plan.csv")
    assert (line.objet, line.amount, line.planned, line.cpv) == (
        "Nettoyage des locaux", 12000.5, "2027-01-01", "90910000")


def test_wrong_columns_are_named():
    error = _errors(b"nom;prix unitaire;quantite\nchaises;12;3\n")
    assert "Colonnes introuvables : objet, date" in error.message
    assert "« nom »" in error.message


def test_bad_lines_are_listed_each_with_its_number():
    error = _errors("objet;montant;date\nNettoyage;12 000;2027\nEspaces verts;douze;01/2027\n"
                    "Repas;;2027\nCollecte;5000;bientôt\n".encode())
    assert error.message.startswith("3 lignes du plan sont illisibles")
    assert error.line_errors[0].startswith("Ligne 3 : montant « douze » illisible")
    assert error.line_errors[1] == "Ligne 4 : montant manquant."
    assert error.line_errors[2].startswith("Ligne 5 : date « bientôt » illisible")


def test_unknown_cpv_code_is_refused_when_the_nomenclature_is_given():
    with pytest.raises(PlanFileError) as caught:
        read_plan(b"objet;montant;date;cpv\nNettoyage;1000;2027;99999999\n", "p.csv",
                  known_cpv={"90910000"})
    assert "code CPV « 99999999 » inconnu" in caught.value.line_errors[0]


def test_empty_header_only_and_huge_files():
    assert _errors(b"").message == "Le fichier est vide."
    assert _errors(b"\n;;\n").message == "Le fichier est vide."
    assert "que l'en-tête" in _errors(b"objet;montant;date\n").message
    big = "objet;montant;date\n" + "Nettoyage;1000;2027\n" * (MAX_LINES + 1)
    assert f"plus de {MAX_LINES} lignes" in _errors(big.encode()).message
    assert "dépasse 2 Mo" in _errors(b"x" * (3 * 1024 * 1024)).message


def test_broken_excel_and_binary_files():
    assert "Excel est illisible" in _errors(b"PK\x03\x04garbage", "plan.xlsx").message
    assert "ni un CSV" in _errors(b"\x00\x01\x02", "plan.bin").message


def test_multi_trade_lines():
    assert trades("Réhabilitation : gros œuvre, menuiseries intérieures, électricité et "
                  "peinture") == ["gros œuvre", "menuiseries intérieures", "électricité",
                                  "peinture"]
    assert trades("Nettoyage, vitrerie, désinfection des locaux") == [
        "Nettoyage", "vitrerie", "désinfection des locaux"]
    assert trades("Location et entretien de vêtements de travail") == []
    assert trades("Entretien des espaces verts, lot 2") == []
