"""Build data/samples/plan_achats_exemple.csv and .xlsx from real DECP contract subjects.

A purchase plan lists what a buyer intends to buy next year. The sample takes 25 contracts
notified in 2018-2019 by Pays de la Loire buyers (data/decp/decp_2018_2019_pays_de_la_loire.csv,
picked by their DECP id below), keeps their subject and amount, drops the « LOT n » prefixes,
moves the date to the same month of PLAN_YEAR and gives the CPV code on one line out of two
(the others are left for the analysis to suggest). Two multi-trade lines are the lots of one
real operation put back together (the amounts add up). Run:
    python scripts/build_sample_plan.py
"""

import csv
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECP = ROOT / "data" / "decp" / "decp_2018_2019_pays_de_la_loire.csv"
OUT = ROOT / "data" / "samples"
PLAN_YEAR = 2027
HEADER = ("Objet", "Montant estimé (€ HT)", "Date prévisionnelle", "Code CPV",
          "Acheteur d'origine (DECP)", "Identifiant DECP")

# (DECP ids, subject written for the plan or None to keep the DECP one, give the CPV?)
LINES = [
    (["2018lnBuQJQC5r00"], None, True),  # nettoyage des locaux
    (["20192019020200"], None, False),  # entretien des espaces verts
    (["2018185300"], None, True),  # repas en liaison froide
    (["20191900900"], "Prestations de restauration collective", False),
    (["2018FCS3100"], None, False),  # nettoyage des halles
    (["201960164000"], None, True),  # vêtements de travail
    (["2018FCS3200"], None, False),  # collecte des corbeilles
    (["2019MA181700"], None, True),  # nettoyage des locaux (SDIS)
    (["2019MA19010100"], "Fourniture et montage de mobilier de bureau, d'hébergement et "
                         "rayonnages", False),
    (["2019C1903300"], "Acquisition de mobilier de présentation des jeux pour la ludothèque",
     True),
    (["2018V1804800"], None, False),  # contrôle des aires de jeux
    (["2019I3620000"], None, True),  # entretien des marais salants
    (["20191906900"], None, False),  # signalétique événementielle
    (["2018-430100"], None, True),  # maintenance du parc informatique
    (["201820181800"], None, False),  # papiers de reprographie
    (["2019arAxe22t2I00"], None, True),  # tonte des pelouses
    (["2019C1903500"], None, False),  # compostage partagé
    (["2018000000000300"], None, True),  # tri des emballages recyclables
    (["2018180590100"], None, False),  # nettoyage du linge
    (["2018TVX4500"], None, True),  # éclairage public
    (["201918S00960100"], "Installation de centrales solaires photovoltaïques sur les "
                          "groupes scolaires", False),
    (["2018122018000300"], "Préparation au permis de conduire et formation à la prévention "
                           "routière pour des personnes en insertion", True),
    (["2019190060100"], "Transformation, aménagement et covering d'un véhicule utilitaire",
     False),
    # Multi-trade lines: the lots of one real operation, put back together.
    (["2018C18080", "2018C18081"], "Rénovation des façades de l'aérogare : maçonnerie des "
                                   "façades, peinture extérieure", False),
    (["2019C1900200", "2019C1900600", "2019C1901300", "2019C1901100"],
     "Réhabilitation d'un bâtiment : gros œuvre, menuiseries intérieures, électricité, "
     "peinture et revêtements muraux", False),
]
LOT_PREFIX = re.compile(r"^\s*lot\s*n?°?\s*\d+\s*[-:]?\s*", re.IGNORECASE)


def read_decp() -> dict[str, dict]:
    with open(DECP, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def subject(text: str) -> str:
    """The DECP subject as a buyer writes it in a plan: no lot prefix, sentence case."""
    text = LOT_PREFIX.sub("", text).strip()
    return text[0] + text[1:].lower() if text.isupper() else text


def planned(notified: str) -> date:
    month = int(notified[5:7]) if re.match(r"^\d{4}-\d{2}", notified or "") else 1
    return date(PLAN_YEAR, month, 1)


def plan_rows(decp: dict[str, dict]) -> list[dict]:
    rows = []
    for ids, text, with_cpv in LINES:
        missing = [i for i in ids if i not in decp]
        if missing:
            sys.exit(f"DECP ids not found: {missing}")
        first = decp[ids[0]]
        rows.append({
            "objet": text or subject(first["objet"]),
            "montant": round(sum(float(decp[i]["montant"]) for i in ids), 2),
            "date": planned(first["date_notification"]),
            "cpv": first["cpv8"] if with_cpv and len(ids) == 1 else "",
            "acheteur": first["acheteur_nom"],
            "decp": " + ".join(ids),
        })
    return rows


def french_amount(value: float) -> str:
    """« 130 894,76 »: what a French spreadsheet exports (thin space, decimal comma)."""
    whole, cents = f"{value:,.2f}".split(".")
    whole = whole.replace(",", "\u202f")
    return whole if cents == "00" else f"{whole},{cents}"


def write_csv(rows: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow([r["objet"], french_amount(r["montant"]),
                             r["date"].strftime("%d/%m/%Y"), r["cpv"], r["acheteur"], r["decp"]])


def write_xlsx(rows: list[dict], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan d'achats"
    sheet.append(list(HEADER))
    for r in rows:
        sheet.append([r["objet"], r["montant"], r["date"], r["cpv"] or None, r["acheteur"],
                      r["decp"]])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].number_format = "DD/MM/YYYY"
    book.properties.creator = "Essaim"
    book.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = plan_rows(read_decp())
    write_csv(rows, OUT / "plan_achats_exemple.csv")
    write_xlsx(rows, OUT / "plan_achats_exemple.xlsx")
    print(f"{len(rows)} lignes écrites dans {OUT}")


if __name__ == "__main__":
    main()
