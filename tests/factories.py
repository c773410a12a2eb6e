"""Small builders of test data: organisations with Luhn-valid SIRETs, postings, memberships.

Each builder commits, so that the app under test (its own session) sees the rows at once.
"""

from collections.abc import Iterable
from itertools import count

from sqlalchemy.orm import Session

from models import CpvCode, Filiere, Lever, Lot, Membership, Organisation, Posting
from models.validators import with_luhn_key

NANTES, REZE, SAINT_HERBLAIN = "44109", "44143", "44162"
_serials = count(1)


def new_siret() -> str:
    """A fresh Luhn-valid SIRET (never La Poste's SIREN, which has its own checksum)."""
    return with_luhn_key(f"9{next(_serials):012d}")


def _rows(session: Session, model, keys: Iterable[str]) -> list:
    rows = [session.get(model, key) for key in keys]
    assert all(rows), f"unknown {model.__name__} in {list(keys)}"
    return rows


def make_organisation(session: Session, name: str = "Atelier du réemploi", *,
                      filieres: Iterable[str] = (), **fields) -> Organisation:
    fields.setdefault("kind", "ess")
    fields.setdefault("commune_insee", NANTES)
    organisation = Organisation(name=name, siret=fields.pop("siret", None) or new_siret(),
                                **fields)
    organisation.filieres = _rows(session, Filiere, filieres)
    session.add(organisation)
    session.commit()
    return organisation


def make_posting(session: Session, organisation: Organisation, title: str = "Besoin", *,
                 status: str = "published", close_reason: str = "awarded",
                 filieres: Iterable[str] = (), levers: Iterable[str] = (),
                 cpv_codes: Iterable[str] = (), lots: Iterable[dict] = (), **fields) -> Posting:
    """A posting taken through its real lifecycle up to `status` (draft, published, closed)."""
    fields.setdefault("direction", "need")
    fields.setdefault("type", "purchase")
    fields.setdefault("commune_insee", organisation.commune_insee)
    posting = Posting(organisation=organisation, title=title, status="draft", **fields)
    posting.filieres = _rows(session, Filiere, filieres)
    posting.levers = _rows(session, Lever, levers)
    posting.cpv_codes = _rows(session, CpvCode, cpv_codes)
    posting.lots = [Lot(**lot) for lot in lots]
    if status in ("published", "closed"):
        posting.publish()
    if status == "closed":
        posting.close(close_reason)
    session.add(posting)
    session.commit()
    return posting


def make_membership(session: Session, user_id: int, organisation: Organisation,
                    role: str = "member") -> Membership:
    membership = Membership(user_id=user_id, organisation_id=organisation.id, role=role)
    session.add(membership)
    session.commit()
    return membership


def page_of(client, url: str, **kwargs) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def next_page_link(page: str) -> str:
    """The `<a …>` tag of the pagination's "next" link."""
    return page.split('rel="next"')[0].rsplit("<a", 1)[1]
