"""Pagination of a SELECT statement (one query for the rows, one for the count)."""

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))


def paginate(session: Session, statement: Select, number: int, size: int) -> Page:
    """Rows of page `number` (1-based, clamped to the valid range) and the total count."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    pages = max(1, ceil(total / size))
    number = min(max(1, number), pages)
    items = list(session.scalars(statement.limit(size).offset((number - 1) * size)).unique())
    return Page(items=items, number=number, size=size, total=total)
