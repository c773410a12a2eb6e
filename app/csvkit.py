"""The one CSV writer of every export: « ; », a UTF-8 byte-order mark (Excel in French opens it
as it is) and formula neutralisation (a cell a spreadsheet would run — « =HYPERLINK(…) » — is
written with a leading apostrophe)."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One cell: oui/non, ISO dates, plain numbers, and text that can never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Iterable, rows: Iterable[Iterable]) -> str:
    """The whole file as text, header first, every cell (header included) through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def csv_response(body: str, filename: str) -> Response:
    """A download of `body` named `filename` (ASCII names only: they come from our own code)."""
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
