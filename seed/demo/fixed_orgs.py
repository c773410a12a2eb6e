"""Hand-written organisations: featured demo accounts, public buyers (the 24 mairies and
others) and networks."""

from seed.demo.context import BuildContext
from seed.demo.specs import OrgSpec
from seed.demo.text import commune_values, de, fill, pick_some


def featured(ctx: BuildContext) -> list[OrgSpec]:
    return [
        ctx.new_org(
            entry["key"], entry["kind"], entry["name"], entry["form"], ctx.place(entry["commune"]),
            entry["filieres"], entry["description"], headcount=entry["headcount"],
            capacities=entry["capacities"], esus=entry["esus"], qpv=entry["qpv"],
            sdg=entry["sdg"], naf=entry["naf"], archetype="featured",
        )
        for entry in ctx.catalogue.featured
    ]


def mairie_name(name: str, large: bool) -> str:
    return f"Ville {de(name)}" if large else f"Commune {de(name)}"


def mairie(ctx: BuildContext, insee: str) -> OrgSpec:
    """One mairie per commune of the metropole, described from shared sentences."""
    spec = ctx.catalogue.public_buyers["communes"]
    place = ctx.place(insee)
    name = mairie_name(place.name, insee in spec["large"])
    values = {"name": name, **commune_values(place.name)}
    text = [ctx.rng.choice(spec["intros"]), *pick_some(ctx.rng, spec["details"], 2, 3)]
    filieres = sorted(ctx.rng.sample(spec["filieres"], ctx.rng.randint(2, 4)))
    headcount = spec["headcounts"].get(insee) or ctx.rng.randint(30, 220)
    return ctx.new_org(
        f"commune-{insee}", "public_buyer", name, "commune", place, filieres,
        fill(text, values), headcount=headcount, sdg=spec["sdg"], naf="84.11Z",
        archetype="mairie",
    )


def public_buyers(ctx: BuildContext) -> list[OrgSpec]:
    metro = sorted(insee for insee, place in ctx.places.items() if place.in_metropole)
    mairies = [mairie(ctx, insee) for insee in metro]
    others = [
        ctx.new_org(
            entry["key"], "public_buyer", entry["name"], entry["form"],
            ctx.place(entry["commune"]), entry["filieres"], entry["description"],
            headcount=entry["headcount"], sdg=entry["sdg"], naf=entry["naf"],
            archetype="public",
        )
        for entry in ctx.catalogue.public_buyers["others"]
    ]
    return mairies + others


def networks(ctx: BuildContext) -> list[OrgSpec]:
    return [
        ctx.new_org(
            f"network-{entry['key']}", "network", entry["name"], "association",
            ctx.place(entry["commune"]), entry["filieres"], entry["description"],
            headcount=entry["headcount"], esus=True, sdg=entry["sdg"], naf="94.99Z",
            archetype="network",
        )
        for entry in ctx.catalogue.networks
    ]
