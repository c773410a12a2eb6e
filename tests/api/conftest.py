"""API fixtures: organisations A and B with postings, tokens issued through the service."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.services.api_tokens import create_token
from models import Organisation, Posting
from tests.factories import make_organisation, make_posting


@dataclass
class Pair:
    a: Organisation
    b: Organisation
    a_need: Posting
    b_need: Posting
    b_draft: Posting


@pytest.fixture
def issue(session_factory):
    """`issue(organisation, "read write")` -> the secret of a new token of that organisation."""

    def make(organisation: Organisation, scopes: str = "read write") -> str:
        with session_factory() as session:
            issued = create_token(session, session.get(Organisation, organisation.id),
                                  "Outil de test", scopes.split(), None)
            session.commit()
            return issued.secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def pair(db) -> Pair:
    a = make_organisation(db, "Ville de Rezé", kind="public_buyer", filieres=["reemploi"])
    b = make_organisation(db, "Ressourcerie de l'île", filieres=["reemploi"])
    soon = date.today() + timedelta(days=30)
    return Pair(a, b,
                make_posting(db, a, "Collecte de mobilier scolaire", filieres=["reemploi"],
                             deadline=soon),
                make_posting(db, b, "Achat de vélos cargo", deadline=soon),
                make_posting(db, b, "Brouillon de B", status="draft"))


def posting_body(**fields) -> dict:
    """A valid API body for a purchase need in Nantes."""
    return {"direction": "need", "type": "purchase", "title": "Traiteur solidaire",
            "description": "Repas pour 80 personnes, produits locaux.",
            "commune_insee": "44109", "filiere_ids": ["alimentation"], **fields}
