"""Browsing needs and offers: filter published postings and read one (reads only)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.exceptions import NotFound

from app.services.directory import text_matches
from app.services.pagination import Page, paginate
from models import Filiere, Lever, Lot, Posting

NEWEST_FIRST = (Posting.published_at.desc().nulls_last(), Posting.id.desc())


@dataclass(frozen=True)
class PostingFilters:
    """Validated filters of the needs and offers lists; None or empty means "no constraint"."""

    direction: str = "need"
    q: str = ""
    type: str | None = None
    filiere: str | None = None
    lever: str | None = None
    commune: str | None = None
    reserved: str | None = None
    open_only: bool = False


def open_on(today: date) -> ColumnElement[bool]:
    """Deadline not passed on `today` (postings without deadline stay open)."""
    return or_(Posting.deadline.is_(None), Posting.deadline >= today)


def reserved_for(kind: str) -> ColumnElement[bool]:
    """A reserved market, or a tender with at least one lot reserved to `kind`."""
    return or_(Posting.reserved == kind, Posting.lots.any(Lot.reserved == kind))


def _conditions(filters: PostingFilters, today: date) -> list[ColumnElement[bool]]:
    candidates = [
        (filters.q.strip(), lambda: text_matches(filters.q, Posting.title, Posting.description)),
        (filters.type, lambda: Posting.type == filters.type),
        (filters.filiere, lambda: Posting.filieres.any(Filiere.id == filters.filiere)),
        (filters.lever, lambda: Posting.levers.any(Lever.id == filters.lever)),
        (filters.commune, lambda: Posting.commune_insee == filters.commune),
        (filters.reserved, lambda: reserved_for(filters.reserved)),
        (filters.open_only, lambda: open_on(today)),
    ]
    return [make() for value, make in candidates if value]


def postings_statement(filters: PostingFilters, today: date | None = None) -> Select:
    """Published postings of one direction matching every filter, newest first."""
    conditions = _conditions(filters, today or date.today())
    return (select(Posting)
            .where(Posting.status == "published", Posting.direction == filters.direction,
                   *conditions)
            .options(selectinload(Posting.filieres))
            .order_by(*NEWEST_FIRST))


def search_postings(session: Session, filters: PostingFilters, number: int, size: int,
                    today: date | None = None) -> Page:
    """One page of the needs or offers list."""
    return paginate(session, postings_statement(filters, today), number, size)


def published_postings_of(session: Session, organisation_id: int) -> list[Posting]:
    """An organisation's published needs and offers, newest first (its public page)."""
    return list(session.scalars(
        select(Posting)
        .where(Posting.organisation_id == organisation_id, Posting.status == "published")
        .options(selectinload(Posting.filieres))
        .order_by(*NEWEST_FIRST)))


def get_posting(session: Session, posting_id: int,
                is_member: Callable[[int], bool] = lambda _organisation_id: False) -> Posting:
    """The posting, or a 404 when unknown or a draft the viewer's organisations do not own.

    Drafts answer 404 rather than 403 so that their existence is not disclosed.
    """
    posting = session.get(Posting, posting_id)
    if posting is None or (posting.status == "draft" and not is_member(posting.organisation_id)):
        raise NotFound()
    return posting
