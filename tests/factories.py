"""Small builders of test data: organisations with Luhn-valid SIRETs, postings, memberships.

Each builder commits, so that the app under test (its own session) sees the rows at once.
"""

from collections.abc import Iterable
from html import unescape
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


def text(response) -> str:
    """The page as the user reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))


def page_of(client, url: str, **kwargs) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def next_page_link(page: str) -> str:
    """The `<a …>` tag of the pagination's "next" link."""
    return page.split('rel="next"')[0].rsplit("<a", 1)[1]


PASSWORD = "motdepasse-solide"
# A small territory: a public buyer, SIAE and non-SIAE suppliers, and a few more for the
# directory and search screenshots. Contact details are set to check who may see them.
TERRITORY = {
    "buyer": dict(kind="public_buyer", name="Ville de Rezé", commune_insee="44143",
                  legal_form_code="commune", email="achats@mairie-reze.example",
                  description="Commune de la métropole nantaise : achats responsables et "
                              "clauses sociales dans ses marchés."),
    "siae_reuse": dict(kind="ess", name="Trocantons Rezé", commune_insee="44143",
                       legal_form_code="aci", filiere_ids=["reemploi"],
                       email="contact@trocantons.example", phone="02 40 00 00 01",
                       description="Atelier chantier d'insertion : collecte de meubles et "
                                   "d'objets, tri, réparation et revente en boutique solidaire."),
    "asso_reuse": dict(kind="ess", name="Ressourcerie de l'Erdre", commune_insee="44109",
                       legal_form_code="association", filiere_ids=["reemploi"],
                       email="bonjour@ressourcerie-erdre.example",
                       description="Ressourcerie associative : collecte de mobilier, "
                                   "réparation, valorisation et vente d'occasion."),
    "siae_food": dict(kind="ess", name="Cuisine d'insertion", commune_insee="44162",
                      legal_form_code="ei", filiere_ids=["alimentation"],
                      description="Entreprise d'insertion de restauration : repas bio "
                                  "pour la restauration collective."),
    "cargo": dict(kind="ess", name="Coursiers à vélo", commune_insee="44109",
                  legal_form_code="scop", filiere_ids=["logistique-urbaine"],
                  email="hello@coursiers.example",
                  description="Coopérative de cyclo-logistique : livraisons et collectes "
                              "en vélo-cargo dans le centre de Nantes."),
    "esat_wood": dict(kind="ess", name="ESAT Les Ateliers du Bois", commune_insee="44215",
                      legal_form_code="esat", filiere_ids=["reemploi", "eco-construction"],
                      description="Menuiserie et rénovation de mobilier en bois, "
                                  "travailleurs en situation de handicap."),
    "solar": dict(kind="ess", name="Énergie citoyenne Loire", commune_insee="44020",
                  legal_form_code="scic", filiere_ids=["energie-citoyenne"],
                  description="Centrales solaires citoyennes sur les toits publics, "
                              "financées par les habitants."),
    "digital": dict(kind="ess", name="Ordis solidaires", commune_insee="44162",
                    legal_form_code="ei", filiere_ids=["numerique-responsable", "reemploi"],
                    description="Reconditionnement d'ordinateurs et de téléphones, "
                                "formation au numérique des personnes éloignées."),
}


def email_of(key: str) -> str:
    return f"{key}@example.org"


def build_territory(session_factory) -> dict[str, int]:
    """The TERRITORY organisations, each owned by the user `email_of(key)`; ids by key.

    The indexes follow the change log (emptied between tests): the caller's app resets them."""
    from app.services.accounts import register_user
    from app.services.organisations import OrganisationData, create_organisation

    ids = {}
    with session_factory() as session:
        for number, (key, values) in enumerate(TERRITORY.items(), start=1):
            user = register_user(session, email_of(key), PASSWORD, name=f"Équipe {key}")
            data = OrganisationData(siret=with_luhn_key(f"45{number:011d}"), **values)
            ids[key] = create_organisation(session, data, owner=user).id
        session.commit()
    return ids


def make_directory(session: Session, ressourcerie_description: str =
                   "Collecte et revente d'objets de seconde main.") -> dict[str, Organisation]:
    """Three organisations that differ on every directory filter."""
    return {
        "ressourcerie": make_organisation(
            session, "Ressourcerie de l'île", filieres=["reemploi"],
            legal_form_code="association", esus=True, description=ressourcerie_description),
        "chantier": make_organisation(
            session, "Chantier d'insertion Bâtir", filieres=["eco-construction"],
            legal_form_code="aci", siae=True, qpv=True, commune_insee=REZE),
        "mairie": make_organisation(
            session, "Ville de Rezé", kind="public_buyer", legal_form_code="commune",
            commune_insee=REZE),
    }
