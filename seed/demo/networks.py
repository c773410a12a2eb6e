"""Standing members of the demo networks, drawn from the organisations of their sector."""

from functools import cache

from models.reference_data import legal_form_rows
from seed.demo.context import BuildContext
from seed.demo.specs import NetworkSpec, OrgSpec

COMPANY_MEMBER_ODDS = 0.3  # a few conventional companies join sector networks


@cache
def form_flags() -> dict[str, dict]:
    """Legal form code -> its row (is_siae, is_ea_esat, family), from data/legal_forms.csv."""
    return {row["code"]: row for row in legal_form_rows()}


def eligible(entry: dict, org: OrgSpec) -> bool:
    flag = entry.get("member_flag")
    if flag == "siae":
        return bool(form_flags()[org.form]["is_siae"])
    if flag == "ea_esat":
        return bool(form_flags()[org.form]["is_ea_esat"])
    wanted = set(entry.get("member_filieres", []))
    return not wanted or bool(wanted & set(org.filieres))


def joins_as_company(ctx: BuildContext, org: OrgSpec) -> bool:
    return org.kind == "company" and ctx.rng.random() < COMPANY_MEMBER_ODDS


def members_of(ctx: BuildContext, entry: dict, orgs: list[OrgSpec]) -> list[str]:
    """Featured organisations that qualify always join; the rest are sampled."""
    pool = [
        org for org in orgs
        if eligible(entry, org) and (org.kind == "ess" or joins_as_company(ctx, org))
    ]
    featured = [org.key for org in pool if org.archetype == "featured"]
    others = [org.key for org in pool if org.archetype != "featured"]
    count = max(0, min(entry["members"] - len(featured), len(others)))
    return featured + ctx.rng.sample(others, count)


def network_members(ctx: BuildContext, orgs: list[OrgSpec]) -> list[NetworkSpec]:
    return [
        NetworkSpec(f"network-{entry['key']}", members_of(ctx, entry, orgs))
        for entry in ctx.catalogue.networks
    ]
