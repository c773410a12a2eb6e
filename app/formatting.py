"""French formatting of dates and amounts for templates (Babel)."""

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask

from app.labels import ALL
from matching.features import score_details

LOCALE = "fr_FR"


def french_date(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format="d MMMM y 'à' HH:mm", locale=LOCALE)
    return format_date(value, format=style, locale=LOCALE)


def euros(value) -> str:
    if value is None:
        return ""
    return format_currency(value, "EUR", locale=LOCALE, format="#,##0\u00a0¤",
                           currency_digits=False)


def number(value) -> str:
    return "" if value is None else format_decimal(value, locale=LOCALE)


def register(app: Flask) -> None:
    app.add_template_filter(french_date, "date_fr")
    app.add_template_filter(euros, "euros")
    app.add_template_filter(number, "number")
    app.jinja_env.globals["labels"] = ALL
    app.jinja_env.globals["score_details"] = score_details  # « Détail du score »
