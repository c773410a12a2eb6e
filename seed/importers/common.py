"""What every importer shares: numbered rows, column lookup by name, one SAVEPOINT per row and
a row-level report (created, updated, unchanged, skipped with reasons and line numbers).

A bad row never aborts an import nor leaves half an organisation behind: each row runs inside
`session.begin_nested()`, and any `RowSkipped` or `ValidationError` rolls back that row only.
"""

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy.orm import Session

from models import ValidationError

Row = dict[str, str]
Outcome = str  # "created" | "updated" | "unchanged"
OUTCOMES = ("created", "updated", "unchanged")
MAX_AMOUNT = Decimal("999999999999")  # Numeric(14, 2): above this a value is a typo, not a price
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


class RowSkipped(Exception):
    """The row cannot be imported; `reason` is French and groups the report, `detail` says why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason} {detail}".strip())
        self.reason, self.detail = reason, detail


class ImportFileError(Exception):
    """The file itself is unusable (unreadable, or a required column is missing)."""


@dataclass(frozen=True)
class RowIssue:
    line: int
    reason: str
    detail: str = ""


@dataclass
class ImportReport:
    """What an import did, row by row; `figures` holds importer-specific counts."""

    title: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    figures: Counter = field(default_factory=Counter)

    def record(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def skip(self, line: int, reason: str, detail: str = "") -> None:
        self.skipped.append(RowIssue(line, reason, detail))

    def warn(self, line: int, reason: str, detail: str = "") -> None:
        self.warnings.append(RowIssue(line, reason, detail))

    def summary(self) -> str:
        return (f"{self.title} — créées : {self.created}, mises à jour : {self.updated}, "
                f"ignorées : {len(self.skipped)}, inchangées : {self.unchanged}")

    def describe(self, limit: int = 8) -> str:
        """The summary, the other figures, then skips and warnings grouped by reason."""
        lines = [self.summary()]
        lines += [f"  {name} : {count}" for name, count in sorted(self.figures.items())]
        lines += _grouped("Lignes ignorées", self.skipped, limit)
        lines += _grouped("Avertissements (ligne importée)", self.warnings, limit)
        return "\n".join(lines)


def _grouped(heading: str, issues: list[RowIssue], limit: int) -> list[str]:
    if not issues:
        return []
    by_reason: dict[str, list[RowIssue]] = defaultdict(list)
    for issue in issues:
        by_reason[issue.reason].append(issue)
    lines = [f"{heading} :"]
    for reason, group in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        group.sort(key=lambda issue: issue.line)
        shown = ", ".join(f"{i.line}" + (f" ({i.detail})" if i.detail else "")
                          for i in group[:limit])
        more = f" … et {len(group) - limit} autres" if len(group) > limit else ""
        lines.append(f"  - {reason} : {len(group)} — lignes {shown}{more}")
    return lines


def normalise_header(name: str) -> str:
    return (name or "").strip().lstrip("\ufeff").strip().lower()


def read_csv_rows(path: Path) -> list[tuple[int, Row]]:
    """(first line of the record, row with lower-cased header names); line 1 is the header."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=_sniff_delimiter(handle))
            header = [normalise_header(name) for name in next(reader, [])]
            rows, start = [], reader.line_num + 1
            for values in reader:
                if any(value.strip() for value in values):
                    rows.append((start, dict(zip(header, values, strict=False))))
                start = reader.line_num + 1
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"Fichier illisible : {error}") from error


def _sniff_delimiter(handle) -> str:
    first = handle.readline()
    handle.seek(0)
    return ";" if first.count(";") > first.count(",") else ","


def require_columns(rows: list[tuple[int, Row]], *alternatives: tuple[str, ...]) -> None:
    """Each tuple lists the accepted names of one required column."""
    if not rows:
        return
    present = set(rows[0][1])
    for names in alternatives:
        if not present.intersection(names):
            raise ImportFileError(f"Colonne obligatoire absente : {' ou '.join(names)}.")


def pick(row: Row, *names: str) -> str:
    """The first non-empty value among the accepted column names, stripped."""
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return ""


def run_rows(session: Session, rows: Iterable[tuple[int, Row]],
             handle: Callable[[int, Row], Outcome], report: ImportReport,
             progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import each row in its own SAVEPOINT; commit once at the end."""
    for line, row in rows:
        try:
            with session.begin_nested():
                outcome = handle(line, row)
        except RowSkipped as error:
            report.skip(line, error.reason, error.detail)
        except ValidationError as error:
            report.skip(line, error.message)
        else:
            report.record(outcome)
        if progress:
            progress(1)
    session.commit()
    return report


def parse_date(value: str) -> date | None:
    """ISO date at the start of the value (« 2018-12-17+01:00 »); ValueError when malformed."""
    text = (value or "").strip()
    if not text:
        return None
    parsed = datetime.strptime(text[:10], "%Y-%m-%d").date()
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(text)
    return parsed


def parse_amount(value: str) -> Decimal | None:
    """A euro amount rounded to the cent; 0 means "not published" (None); ValueError if junk."""
    text = (value or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError(value) from error
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValueError(value)
    return amount or None


def assign(obj: object, values: dict) -> bool:
    """Set the attributes that differ; True when anything changed (idempotent re-imports)."""
    changed = False
    for name, value in values.items():
        if not _same(getattr(obj, name), value):
            setattr(obj, name, value)
            changed = True
    return changed


def _same(current, wanted) -> bool:
    if isinstance(current, datetime) and isinstance(wanted, datetime):
        return _utc(current) == _utc(wanted)
    if isinstance(current, list) and isinstance(wanted, list):
        return {id(x) for x in current} == {id(x) for x in wanted}
    if isinstance(current, Decimal | float) and isinstance(wanted, Decimal | float):
        return Decimal(str(current)).quantize(Decimal("0.01")) == Decimal(
            str(wanted)).quantize(Decimal("0.01"))
    return current == wanted


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def numbered(items: Iterable) -> Iterator[tuple[int, object]]:
    """1-based positions, for formats without lines (JSON records)."""
    return enumerate(items, start=1)
