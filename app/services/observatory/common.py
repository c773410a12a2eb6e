"""What every observatory figure shares: the definitions, the `Figure` shape and the SQL
helpers that differ between SQLite and PostgreSQL."""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, case, func, literal_column
from sqlalchemy.orm import Session

from models import Organisation, Posting

PUBLISHED = Posting.status.in_(("published", "closed"))
ESS = Organisation.kind == "ess"
ANSWERED = ("interested", "contacted")
FORMED = ("complete", "submitted")


@dataclass(frozen=True)
class Figure:
    """One table of the observatory: `rows` hold a label then one number per value column."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    chart: str = "bars"  # bars (by category) | timeline (by month) | table (no chart)
    note: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": list(self.columns),
                "rows": [list(row) for row in self.rows], "chart": self.chart, "note": self.note}


def count_if(condition: ColumnElement[bool]):
    return func.count(case((condition, 1)))


def fetch_rows(session: Session, statement: Select) -> list[tuple]:
    return [tuple(row) for row in session.execute(statement)]


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def month_of(session: Session, column) -> ColumnElement[str]:
    """`YYYY-MM` of a date or timestamp, in the database's own dialect."""
    if is_postgresql(session):
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def joined_ids(session: Session, column) -> ColumnElement[str]:
    """The group's values joined by commas, in the database's own dialect."""
    if is_postgresql(session):
        return func.string_agg(column, literal_column("','"))
    return func.group_concat(column, ",")
