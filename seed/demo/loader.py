"""`load_demo`: build the whole demo territory in memory, then insert what is missing."""

from dataclasses import dataclass, field
from datetime import date
from random import Random

from sqlalchemy.orm import Session

from seed.demo.awards import save_awards
from seed.demo.catalogue import load_catalogue
from seed.demo.context import BuildContext, load_places
from seed.demo.fixed_orgs import featured, networks, public_buyers
from seed.demo.generated_orgs import generated
from seed.demo.logins import DEMO_ACCOUNTS, demo_logins, ensure_account
from seed.demo.moderation import ensure_moderation_demo
from seed.demo.networks import network_members
from seed.demo.outcomes import save_outcomes
from seed.demo.persist import save_network_members, save_organisations, save_postings
from seed.demo.plans import ensure_sample_plan
from seed.demo.postings import build_postings
from seed.demo.references import reference_specs, save_references
from seed.demo.specs import NetworkSpec, OrgSpec, PostingSpec
from seed.demo.statuses import validate_demo_statuses

ANIMATOR_EMAIL = next(a.email for a in DEMO_ACCOUNTS if a.is_animator)

BUYER_KEY = "commune-44143"  # the demo buyer (Ville de Rezé), who gets the sample plan


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
        events, planned_events = save_outcomes(session, by_key)
        planned_awards, awards = save_awards(session)
        references = save_references(session, reference_specs(), by_key)
        accounts = [ensure_account(session, account, by_key.get(account.org_key))
                    for account in DEMO_ACCOUNTS]
        session.flush()
        plans = ensure_sample_plan(session, by_key.get(BUYER_KEY), None)
        validated, planned_validations = validate_demo_statuses(
            session, by_key, ANIMATOR_EMAIL)
        moderation = ensure_moderation_demo(session, by_key)
        session.commit()
    except Exception:
        session.rollback()
        raise
    created = {
        "organisations": orgs, "network_members": members, "postings": postings, "lots": lots,
        "awards": awards, "references": references,
        "users": sum(users for users, _ in accounts),
        "memberships": sum(added for _, added in accounts),
        "follow_up_events": events,
        "purchase_plans": plans,
        "status_decisions": validated,
        "moderation_items": moderation,
    }
    planned = {
        "organisations": len(specs.organisations),
        "network_members": sum(len(spec.member_keys) for spec in specs.networks),
        "postings": len(specs.postings), "lots": sum(len(spec.lots) for spec in specs.postings),
        "awards": planned_awards,
        "references": len(reference_specs()),
        "users": len(DEMO_ACCOUNTS),
        "memberships": len(DEMO_ACCOUNTS),
        "follow_up_events": planned_events,
        "purchase_plans": 1,
        "status_decisions": planned_validations,
        "moderation_items": 2,
    }
    skipped = {table: planned[table] - created[table] for table in planned}
    return DemoSummary(created, skipped, demo_logins())
