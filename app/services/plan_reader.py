"""Read a buyer's purchase plan (CSV or XLSX) into plain lines, or say in French what is wrong.

Buyers export their plans from many tools, so the reader is tolerant where it can be: headers
are matched by meaning (« Objet », « Intitulé du marché », « Montant estimé (€ HT) »,
« Budget »…), CSV separators and encodings are detected, amounts accept French formats
(« 12 500,50 € », « 12.500,50 », « 15 k€ ») and dates several shapes (« 15/03/2027 »,
« 03/2027 », « 2027-03-15 », « T2 2027 », an Excel date). Whatever it cannot read is refused
with one French message per faulty line; a file is never half-read.
"""

import csv
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime

from matching.sectors import normalise_cpv
from matching.text import fold
from models.errors import ValidationError

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 500
MAX_ERRORS_SHOWN = 20
MAX_OBJET = 500
COLUMNS = ("objet", "montant", "date", "cpv")
# Folded header words, tried in order: the first column whose header starts with one wins.
HEADER_ALIASES = {
    "objet": ("objet", "intitule", "libelle", "designation", "description", "nature de l achat",
              "achat", "besoin"),
    "montant": ("montant", "budget", "estimation", "valeur", "prix", "cout"),
    "date": ("date", "echeance", "periode", "trimestre", "mois", "lancement", "calendrier",
             "annee"),
    "cpv": ("cpv", "code cpv"),
}
REQUIRED = ("objet", "montant", "date")
LABELS = {"objet": "objet", "montant": "montant estimé", "date": "date", "cpv": "code CPV"}


@dataclass(frozen=True)
class PlanLine:
    """One purchase of the plan; `number` is its line in the file (the header is line 1)."""

    number: int
    objet: str
    amount: float
    planned: str  # ISO date (the first day of the month or quarter when only those are given)
    cpv: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class PlanFileError(ValidationError):
    """The file cannot be analysed: a general message and, when lines are at fault, one each."""

    def __init__(self, message: str, line_errors: list[str] | None = None):
        super().__init__(message, "fichier")
        self.line_errors = line_errors or []


# -- cells ---------------------------------------------------------------------------------
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)?)(k|m)?$")


def parse_amount(value) -> float:
    """An amount in euros from a number or French text; ValueError when unreadable or ≤ 0."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        amount = float(value)
    else:
        text = _SPACES.sub("", fold(str(value or ""))).replace("€", "").replace("eur", "")
        text = text.replace("ht", "").replace("ttc", "")
        if text.count(",") == 1 and "." in text:  # « 12.500,50 »: dots group thousands
            text = text.replace(".", "")
        elif text.count(".") > 1:  # « 1.234.567 »
            text = text.replace(".", "")
        match = _AMOUNT.match(text.replace("me", "m"))
        if not match:
            raise ValueError
        amount = float(match.group(1).replace(",", "."))
        amount *= {"k": 1_000, "m": 1_000_000}.get(match.group(2) or "", 1)
    if not amount > 0 or amount > 1e11:
        raise ValueError
    return round(amount, 2)


_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_QUARTER = re.compile(r"^(?:t|q|trimestre\s*)([1-4])\s*[/-]?\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(value) -> date:
    """A planned date; a month, a quarter or a year alone give their first day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = fold(str(value or "")).strip()
    if match := _DAY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    if match := _ISO.match(text):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    if match := _MONTH.match(text):
        return date(int(match.group(2)), int(match.group(1)), 1)
    if match := _QUARTER.match(text):
        return date(int(match.group(2)), 3 * int(match.group(1)) - 2, 1)
    if match := _YEAR.match(text):
        return date(int(match.group(1)), 1, 1)
    raise ValueError


def parse_cpv(value) -> str | None:
    """An 8-digit CPV code (a check digit or dropped leading zero is fine), None when blank."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value or "").strip()
    if not text:
        return None
    digits = normalise_cpv(text.split()[0])
    if digits is None or len(digits) != 8:
        raise ValueError
    return digits


def _text(value) -> str:
    return " ".join(str(value or "").split())


# -- files ---------------------------------------------------------------------------------
def read_plan(data: bytes, filename: str, known_cpv: set[str] | frozenset = frozenset()
              ) -> list[PlanLine]:
    """The plan's lines; PlanFileError (French) when the file or any line cannot be read.

    `known_cpv` (the CPV 2008 codes) rejects codes that do not exist, when given."""
    if not data:
        raise PlanFileError("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise PlanFileError(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : "
                            f"découpez le plan en plusieurs fichiers.")
    rows = _xlsx_rows(data) if _is_xlsx(data, filename) else _csv_rows(data)
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    if not rows:
        raise PlanFileError("Le fichier est vide.")
    columns = header_columns(rows[0])
    body = rows[1:]
    if not body:
        raise PlanFileError("Le fichier ne contient que l'en-tête : aucune ligne à analyser.")
    if len(body) > MAX_LINES:
        raise PlanFileError(f"Le plan compte plus de {MAX_LINES} lignes, la limite d'une "
                            f"analyse : découpez-le en plusieurs fichiers.")
    return _lines(body, columns, known_cpv)


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise PlanFileError("Ce fichier Excel est illisible : enregistrez-le au format .xlsx "
                            "ou exportez-le en CSV.") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            if any(_text(cell) for cell in row):
                rows.append(list(row))
            if len(rows) > MAX_LINES + 1:  # enough to say « too many lines »
                break
        return rows
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanFileError("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8.")


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data[:1024]:
        raise PlanFileError("Ce fichier n'est ni un CSV ni un fichier Excel .xlsx.")
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise PlanFileError("Ce fichier CSV est mal formé (guillemets non refermés ?).") from None


def _folded_header(cell) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(_text(cell))))


def header_columns(header: list) -> dict[str, int]:
    """{column name: index}; PlanFileError listing the expected headers when one is missing."""
    names = [_folded_header(cell) for cell in header]
    found: dict[str, int] = {}
    for column in COLUMNS:
        for alias in HEADER_ALIASES[column]:
            index = next((i for i, name in enumerate(names)
                          if name.startswith(alias) and i not in found.values()), None)
            if index is not None:
                found[column] = index
                break
    missing = [LABELS[c] for c in REQUIRED if c not in found]
    if missing:
        seen = ", ".join(f"« {_text(c)} »" for c in header if _text(c)) or "aucune"
        raise PlanFileError(
            f"Colonne{'s' if len(missing) > 1 else ''} introuvable{'s' if len(missing) > 1 else ''}"
            f" : {', '.join(missing)}. La première ligne doit nommer les colonnes « Objet », "
            f"« Montant estimé », « Date » et, si vous l'avez, « Code CPV » (colonnes lues : "
            f"{seen}).")
    return found


def _cell(row: list, index: int | None):
    return row[index] if index is not None and index < len(row) else None


def _lines(body: list[list], columns: dict[str, int], known_cpv) -> list[PlanLine]:
    lines, errors = [], []
    for offset, row in enumerate(body):
        number = offset + 2
        line, problems = _line(number, row, columns, known_cpv)
        if problems:
            errors.append(f"Ligne {number} : {' ; '.join(problems)}.")
        else:
            lines.append(line)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        if more:
            shown.append(f"… et {more} autre{'s' if more > 1 else ''} ligne"
                         f"{'s' if more > 1 else ''} en erreur.")
        raise PlanFileError(f"{len(errors)} ligne{'s' if len(errors) > 1 else ''} du plan "
                            f"{'sont illisibles' if len(errors) > 1 else 'est illisible'} : "
                            f"corrigez-l{'es' if len(errors) > 1 else 'a'} puis déposez à "
                            f"nouveau le fichier.", shown)
    return lines


def _line(number: int, row: list, columns: dict[str, int], known_cpv
          ) -> tuple[PlanLine | None, list[str]]:
    problems = []
    objet = _text(_cell(row, columns["objet"]))[:MAX_OBJET]
    if len(objet) < 3:
        problems.append("objet manquant ou trop court")
    raw_amount = _cell(row, columns["montant"])
    try:
        amount = parse_amount(raw_amount)
    except (ValueError, OverflowError):
        amount = 0.0
        problems.append(f"montant « {_text(raw_amount)} » illisible (attendu : un nombre "
                        f"positif en euros, par exemple 12 500,50)" if _text(raw_amount)
                        else "montant manquant")
    raw_date = _cell(row, columns["date"])
    try:
        planned = parse_date(raw_date).isoformat()
    except (ValueError, OverflowError):
        planned = ""
        problems.append(f"date « {_text(raw_date)} » illisible (attendu : 15/03/2027, "
                        f"03/2027, T1 2027 ou 2027)" if _text(raw_date) else "date manquante")
    raw_cpv = _cell(row, columns.get("cpv"))
    try:
        cpv = parse_cpv(raw_cpv)
        if cpv and known_cpv and cpv not in known_cpv:
            raise ValueError
    except ValueError:
        cpv = None
        problems.append(f"code CPV « {_text(raw_cpv)} » inconnu (8 chiffres, par exemple "
                        f"90910000)")
    if problems:
        return None, problems
    return PlanLine(number, objet, amount, planned, cpv), []
