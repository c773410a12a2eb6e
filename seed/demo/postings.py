"""Needs and offers composed from posting templates, owned by suitable demo organisations."""

from collections import Counter
from datetime import date
from random import Random

from seed.demo.clauses import clause_sentences
from seed.demo.context import BuildContext
from seed.demo.generated_orgs import weighted
from seed.demo.lifecycle import budget, lifecycle
from seed.demo.logins import FEATURED_OWNERS
from seed.demo.specs import LotSpec, OrgSpec, PostingSpec
from seed.demo.text import commune_values, fill, pick_some

POSTING_SCALE = 1.2
FEATURED_WEIGHT = 8  # demo accounts should find postings of their own when they log in
FEATURED_QUOTA = 5
LOTLESS_SHARE = 0.3
RESERVED_LOT_SHARE = 0.3
CPV_SHARE = 0.85


def fits(rule: dict, org: OrgSpec) -> bool:
    named = set(rule.get("archetypes", [])) | set(rule.get("keys", []))
    if rule.get("kinds") and org.kind not in rule["kinds"]:
        return False
    if rule.get("forms") and org.form not in rule["forms"]:
        return False
    return not named or org.archetype in named or org.key in named


def candidates(template: dict, filiere: str, orgs: list[OrgSpec]) -> list[OrgSpec]:
    """Owners allowed by the template; private owners must work in the posting's filière."""
    rule = template["owner"]
    pool = [org for org in orgs if fits(rule, org)]
    if rule.get("any_filiere") or rule.get("archetypes") or rule.get("keys"):
        return pool
    same = [org for org in pool if org.kind == "public_buyer" or filiere in org.filieres]
    return same or pool


def featured_fit(org: OrgSpec, template: dict, filiere: str) -> bool:
    """A demo account's organisation is pushed only onto postings of its own trade (the
    buyer's trade being tenders)."""
    if org.kind == "public_buyer":
        return org.key in FEATURED_OWNERS and template["type"] == "tender"
    rule = template["owner"]
    named = org.archetype in rule.get("archetypes", []) or org.key in rule.get("keys", [])
    return org.key in FEATURED_OWNERS and (named or filiere in org.filieres)


def pick_owner(rng: Random, pool: list[OrgSpec], owned: Counter,
               featured: list[OrgSpec]) -> OrgSpec:
    """Featured owners (demo accounts) get their first fitting posting, then more often."""
    waiting = [org for org in featured if not owned[org.key]]
    if waiting:
        owned[waiting[0].key] += 1
        return waiting[0]
    weights = [
        FEATURED_WEIGHT if org in featured and owned[org.key] < FEATURED_QUOTA else 1
        for org in pool
    ]
    owner = rng.choices(pool, weights=weights)[0]
    owned[owner.key] += 1
    return owner


def posting_insee(ctx: BuildContext, owner: OrgSpec) -> str:
    """Metropolitan bodies and networks post for any commune; others post where they are."""
    if owner.kind == "network" or owner.form == "epci":
        return weighted(ctx.rng, ctx.common["commune_weights"])
    return owner.place.insee


def build_lots(rng: Random, template: dict, budget_max: float | None,
               reserved: str) -> list[LotSpec]:
    lots = template.get("lots") or []
    if template["type"] != "tender" or not lots or not budget_max or rng.random() < LOTLESS_SHARE:
        return []
    chosen = sorted(rng.sample(range(len(lots)), rng.randint(2, min(5, len(lots)))))
    total = sum(lots[index]["share"] for index in chosen)
    specs = [
        LotSpec(number, lots[index]["title"],
                f"{lots[index]['title']} : prestations détaillées au cahier des clauses "
                f"techniques particulières du lot {number}.",
                float(round(budget_max * lots[index]["share"] / total, -2)))
        for number, index in enumerate(chosen, start=1)
    ]
    if reserved == "none" and rng.random() < RESERVED_LOT_SHARE:
        rng.choice(specs).reserved = rng.choice(["siae", "ea_esat"])
    return specs


def posting_filieres(rng: Random, filiere: str, owner: OrgSpec) -> list[str]:
    others = [other for other in owner.filieres if other != filiere]
    if owner.kind != "public_buyer" and others and rng.random() < 0.25:
        return [filiere, rng.choice(others)]
    return [filiere]


def variant_pool(template: dict, variant: int, pool: list[OrgSpec]) -> list[OrgSpec]:
    """Owners suited to one title variant (e.g. a vélo-école for the vélo offer), if specified."""
    wanted = template.get("variants", [])
    names = set(wanted[variant]) if variant < len(wanted) else set()
    narrowed = [org for org in pool if org.archetype in names or org.key in names]
    return narrowed or pool


def intro_of(rng: Random, template: dict, variant: int) -> str:
    """Intros are written in the order of the titles they introduce."""
    intros = template["intros"]
    return intros[variant] if variant < len(intros) else rng.choice(intros)


def terms(rng: Random, template: dict, today: date) -> dict:
    """Status, dates, money, distance, classification and market conditions of one posting."""
    state = lifecycle(rng, template.get("deadline"), today)
    low, high = budget(rng, template.get("budget"), always=template["type"] == "tender")
    reserved = weighted(rng, template["reserved"]) if "reserved" in template else "none"
    hours = None
    if rng.random() < template.get("insertion", 0):
        hours = round(rng.randint(*template["insertion_hours"]), -1)
    cpv = template.get("cpv", []) if rng.random() < CPV_SHARE else []
    return {
        "deadline": state.deadline, "status": state.status, "close_reason": state.close_reason,
        "published_at": state.published_at, "closed_at": state.closed_at,
        "budget_min": low, "budget_max": high, "reserved": reserved, "insertion_hours": hours,
        "cpv_codes": pick_some(rng, cpv, 1, 2),
        "max_km": rng.choice(template.get("max_km", [None])),
        "lots": build_lots(rng, template, high, reserved), "levers": list(template["levers"]),
    }


def build_posting(ctx: BuildContext, filiere: str, template: dict, index: int,
                  owner: OrgSpec, today: date) -> PostingSpec:
    rng = ctx.rng
    variant = index % len(template["titles"])
    place = ctx.place(posting_insee(ctx, owner))
    values = {"owner": owner.name, **commune_values(place.name)}
    posting = PostingSpec(
        external_id=f"demo-{template['id']}-{index + 1}", owner_key=owner.key,
        direction=template["direction"], type=template["type"],
        title=template["titles"][variant].format(**values), description="",
        commune_insee=place.insee, filieres=posting_filieres(rng, filiere, owner),
        **terms(rng, template, today),
    )
    text = [intro_of(rng, template, variant), *pick_some(rng, template["details"], 2, 3)]
    posting.description = " ".join([fill(text, values), *clause_sentences(posting)])
    return posting


def build_postings(ctx: BuildContext, orgs: list[OrgSpec], today: date) -> list[PostingSpec]:
    owned: Counter = Counter()
    postings = []
    for filiere, template in ctx.catalogue.templates:
        pool = candidates(template, filiere, orgs)
        for index in range(round(template["n"] * POSTING_SCALE) if pool else 0):
            variant_owners = variant_pool(template, index % len(template["titles"]), pool)
            featured = [org for org in variant_owners if featured_fit(org, template, filiere)]
            owner = pick_owner(ctx.rng, variant_owners, owned, featured)
            postings.append(build_posting(ctx, filiere, template, index, owner, today))
    return postings
