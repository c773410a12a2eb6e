"""`load_demo`: build the whole demo territory in memory, then insert what is missing."""

from dataclasses import dataclass, field
from datetime import date
from random import Random

from sqlalchemy.orm import Session

from seed.demo.awards import award_specs, save_awards
from seed.demo.catalogue import load_catalogue
from seed.demo.context import BuildContext, load_places
from seed.demo.fixed_orgs import featured, networks, public_buyers
from seed.demo.generated_orgs import generated
from seed.demo.logins import DEMO_ACCOUNTS, demo_logins, ensure_account
from seed.demo.networks import network_members
from seed.demo.persist import save_network_members, save_organisations, save_postings
from seed.demo.postings import build_postings
from seed.demo.specs import NetworkSpec, OrgSpec, PostingSpec


@dataclass
class DemoSummary:
    """What a run created and skipped (by table), and the demo logins to print."""

    created: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())

    def describe(self) -> str:
        """The French summary printed by `flask demo` and scripts/load_demo.py."""
        lines = ["Territoire de démonstration :"]
        lines += [f"  {table} : {count} créé(s), {self.skipped.get(table, 0)} déjà présent(s)"
                  for table, count in self.created.items()]
        lines.append("Comptes de démonstration :")
        lines += [f"  {role} : {email} / {password}" for role, email, password in self.logins]
        return "\n".join(lines)


@dataclass
class DemoSpecs:
    organisations: list[OrgSpec]
    networks: list[NetworkSpec]
    postings: list[PostingSpec]


def build_specs(session: Session, seed: int = 2026, today: date | None = None) -> DemoSpecs:
    """The demo territory for a seed, as plain specs; only reads communes from the database."""
    catalogue = load_catalogue()
    ctx = BuildContext(Random(seed), seed, catalogue,
                       load_places(session, catalogue.common["outside_communes"]))
    orgs = featured(ctx) + public_buyers(ctx) + networks(ctx) + generated(ctx)
    return DemoSpecs(orgs, network_members(ctx, orgs),
                     build_postings(ctx, orgs, today or date.today()))


def load_demo(session: Session, seed: int = 2026, today: date | None = None) -> DemoSummary:
    """Load the demo territory (idempotent: existing rows are kept) and commit once."""
    specs = build_specs(session, seed, today)
    try:
        by_key, orgs = save_organisations(session, specs.organisations)
        members = save_network_members(session, specs.networks, by_key)
        postings, lots = save_postings(session, specs.postings, by_key)
        awards = save_awards(session, award_specs(), by_key)
        accounts = [ensure_account(session, account, by_key.get(account.org_key))
                    for account in DEMO_ACCOUNTS]
        session.commit()
    except Exception:
        session.rollback()
        raise
    created = {
        "organisations": orgs, "network_members": members, "postings": postings, "lots": lots,
        "awards": awards,
        "users": sum(users for users, _ in accounts),
        "memberships": sum(added for _, added in accounts),
    }
    planned = {
        "organisations": len(specs.organisations),
        "network_members": sum(len(spec.member_keys) for spec in specs.networks),
        "postings": len(specs.postings), "lots": sum(len(spec.lots) for spec in specs.postings),
        "awards": len(award_specs()),
        "users": len(DEMO_ACCOUNTS),
        "memberships": len(DEMO_ACCOUNTS),
    }
    skipped = {table: planned[table] - created[table] for table in planned}
    return DemoSummary(created, skipped, demo_logins())
