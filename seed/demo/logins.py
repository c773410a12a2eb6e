"""One demo account per role, each attached to a featured organisation (by its demo key)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accounts import find_user, register_user
from models import Membership, Organisation

DEMO_PASSWORD = "essaim-demo"


@dataclass(frozen=True)
class DemoAccount:
    role: str  # French label printed by `flask demo`
    email: str
    name: str
    org_key: str
    is_animator: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("Animatrice du réseau (administration)", "animation@demo.essaim.fr",
                "Camille Martin", "network-ess", is_animator=True),
    DemoAccount("Acheteur public (Ville de Rezé)", "acheteur@demo.essaim.fr",
                "Julien Moreau", "commune-44143"),
    DemoAccount("Acteur de l'ESS (ressourcerie en insertion)", "acteur@demo.essaim.fr",
                "Awa Diallo", "ressourcerie-ile"),
    DemoAccount("Entreprise (bâtiment)", "entreprise@demo.essaim.fr",
                "Thomas Leroy", "constructions-erdre"),
    DemoAccount("Réseau (réemploi)", "reseau@demo.essaim.fr",
                "Léa Bernard", "network-reemploi"),
)
FEATURED_OWNERS = frozenset(account.org_key for account in DEMO_ACCOUNTS)


def ensure_account(session: Session, account: DemoAccount,
                   organisation: Organisation | None) -> tuple[int, int]:
    """Create the user and its owner membership when missing; returns (users, memberships) added."""
    user = find_user(session, account.email)
    users = 0
    if user is None:
        user = register_user(session, account.email, DEMO_PASSWORD, account.name,
                             is_animator=account.is_animator)
        users = 1
    if organisation is None:
        return users, 0
    exists = session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation.id))
    if exists:
        return users, 0
    session.add(Membership(user=user, organisation=organisation, role="owner", status="active"))
    return users, 1


def demo_logins() -> list[tuple[str, str, str]]:
    return [(account.role, account.email, DEMO_PASSWORD) for account in DEMO_ACCOUNTS]
