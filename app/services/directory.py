"""Browsing the directory: filter organisations and read one (public data only)."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from werkzeug.exceptions import NotFound

from app.services.pagination import Page, paginate
from models import Commune, Filiere, LegalForm, Lever, Organisation

FLAG_COLUMNS = {
    "esus": Organisation.esus,
    "siae": Organisation.siae,
    "ea_esat": Organisation.ea_esat,
    "qpv": Organisation.qpv,
}
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class OrganisationFilters:
    """Validated directory filters; None or empty means "no constraint"."""

    q: str = ""
    filiere: str | None = None
    commune: str | None = None
    legal_form: str | None = None
    kind: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferenceChoices:
    """Reference rows offered in the filter forms."""

    filieres: list[Filiere]
    communes: list[Commune]
    legal_forms: list[LegalForm]
    levers: list[Lever]


def reference_choices(session: Session) -> ReferenceChoices:
    """Filières, the 24 communes of the metropole, legal forms and levers, in display order."""
    return ReferenceChoices(
        filieres=list(session.scalars(select(Filiere).order_by(Filiere.position))),
        communes=list(session.scalars(
            select(Commune).where(Commune.in_metropole).order_by(Commune.name))),
        legal_forms=list(session.scalars(select(LegalForm).order_by(LegalForm.position))),
        levers=list(session.scalars(select(Lever).order_by(Lever.position))),
    )


def text_matches(q: str, *columns: InstrumentedAttribute) -> ColumnElement[bool]:
    """Case-insensitive substring match on any column; `%` and `_` typed by users are literal."""
    text = q.strip()[:MAX_QUERY_LENGTH]
    return or_(*(column.icontains(text, autoescape=True) for column in columns))


def _conditions(filters: OrganisationFilters) -> list[ColumnElement[bool]]:
    candidates = [
        (filters.q.strip(), lambda: text_matches(
            filters.q, Organisation.name, Organisation.description)),
        (filters.filiere, lambda: Organisation.filieres.any(Filiere.id == filters.filiere)),
        (filters.commune, lambda: Organisation.commune_insee == filters.commune),
        (filters.legal_form, lambda: Organisation.legal_form_code == filters.legal_form),
        (filters.kind, lambda: Organisation.kind == filters.kind),
    ]
    conditions = [make() for value, make in candidates if value]
    return conditions + [FLAG_COLUMNS[flag].is_(True) for flag in filters.flags]


def organisations_statement(filters: OrganisationFilters) -> Select:
    """Organisations matching every filter, by name."""
    return (select(Organisation).where(*_conditions(filters))
            .options(selectinload(Organisation.filieres))
            .order_by(Organisation.name, Organisation.id))


def search_organisations(session: Session, filters: OrganisationFilters,
                         number: int, size: int) -> Page:
    """One page of the directory."""
    return paginate(session, organisations_statement(filters), number, size)


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """The organisation, or a 404 when the id is unknown."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation
