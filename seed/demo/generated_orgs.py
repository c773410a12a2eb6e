"""Organisations composed from activity archetypes: varied names and descriptions, spread over
the communes of the metropole (and a few outside it)."""

from random import Random

from seed.demo.catalogue import TRANSVERSE
from seed.demo.context import BuildContext
from seed.demo.specs import OrgSpec, Place
from seed.demo.text import commune_values, fill, maybe, pick_some

ORG_SCALE = 1.25  # archetype counts in the catalogue are relative; this sets the territory's size
OUTSIDE_SHARE = 0.06
ESUS_BY_RIGHT = {"ei", "aci", "etti", "ai", "eiti", "geiq", "ea", "esat"}
ESUS_ODDS = {"association": 0.25, "scop": 0.6, "scic": 0.7, "cooperative": 0.4, "mutuelle": 0.5,
             "fondation": 0.4}
QPV_ODDS = 0.45


def weighted(rng: Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def commune_sequence(ctx: BuildContext, total: int) -> list[str]:
    """Every commune of the metropole twice, then weighted draws; a few outside the metropole."""
    weights = ctx.common["commune_weights"]
    sequence = [insee for insee in sorted(weights) for _ in range(2)]
    while len(sequence) < total:
        if ctx.rng.random() < OUTSIDE_SHARE:
            sequence.append(ctx.rng.choice(ctx.common["outside_communes"]))
        else:
            sequence.append(weighted(ctx.rng, weights))
    ctx.rng.shuffle(sequence)
    return sequence[:total]


def unique_name(ctx: BuildContext, patterns: list[str], place: Place) -> str:
    """A name not used yet: several local places are tried before suffixing the commune."""
    candidates = []
    for spot in ctx.rng.sample(ctx.common["places"], 3):
        values = {"place": spot["name"], "de_place": spot["de"], **commune_values(place.name)}
        shuffled = ctx.rng.sample(patterns, len(patterns))
        candidates += [pattern.format(**values) for pattern in shuffled]
    candidates += [f"{candidate} – {place.name}" for candidate in candidates]
    fresh = [candidate for candidate in candidates if candidate not in ctx.names]
    return fresh[0] if fresh else f"{candidates[0]} {len(ctx.names)}"


def filieres_of(rng: Random, primary: str, archetype: dict) -> list[str]:
    if primary == TRANSVERSE:
        return sorted(rng.sample(archetype["filieres"], rng.randint(1, 2)))
    extra = [filiere for filiere in archetype.get("also", []) if rng.random() < 0.5]
    return sorted({primary, *extra})


def esus_of(rng: Random, kind: str, form: str) -> bool:
    if kind == "company":
        return False
    if form in ESUS_BY_RIGHT or form == "sas":
        return True
    return rng.random() < ESUS_ODDS.get(form, 0.2)


def quartier_of(ctx: BuildContext, place: Place) -> str | None:
    quartiers = ctx.common["qpv_quartiers"].get(place.insee)
    if quartiers and ctx.rng.random() < QPV_ODDS:
        return ctx.rng.choice(quartiers)
    return None


def describe(ctx: BuildContext, archetype: dict, form: str, values: dict) -> str:
    """Intro, then a shuffled body (activities, public, particularity, legal form), then place."""
    rng = ctx.rng
    body = [
        *pick_some(rng, archetype["details"], 1, 2),
        *maybe(rng, archetype["publics"], 0.8),
        *maybe(rng, archetype["extras"], 0.6),
        rng.choice(ctx.common["forms"][form]["sentences"]),
    ]
    rng.shuffle(body)
    if values["quartier"]:
        ending = [rng.choice(ctx.common["qpv"])]
    else:
        ending = maybe(rng, ctx.common["territory"], 0.7)
    return fill([rng.choice(archetype["intros"]), *body, *ending], values)


def text_values(ctx: BuildContext, name: str, form: str, place: Place, headcount: int) -> dict:
    label = ctx.common["forms"][form]["label"]
    return {
        "name": name, "Form": label, "form": label.lower(), "n": headcount,
        "year": ctx.rng.randint(1984, 2023), "quartier": quartier_of(ctx, place),
        "secteur": ctx.common["secteurs"].get(place.insee, "les communes alentour"),
        **commune_values(place.name),
    }


def headcount_of(rng: Random, archetype: dict, form: str) -> int:
    if form == "ei_individuelle":
        return 1
    low, high = archetype["headcount"]
    return rng.randint(max(2, low), max(2, high))


def build_one(ctx: BuildContext, primary: str, archetype: dict, index: int, insee: str) -> OrgSpec:
    rng = ctx.rng
    form = weighted(rng, archetype["forms"])
    kind = archetype.get("kind", "ess")
    place = ctx.place(insee)
    name = unique_name(ctx, archetype["names"], place)
    headcount = headcount_of(rng, archetype, form)
    values = text_values(ctx, name, form, place, headcount)
    sdg = list(archetype["sdg"]) + ([rng.randint(1, 17)] if rng.random() < 0.3 else [])
    return ctx.new_org(
        f"{archetype['id']}-{index + 1}", kind, name, form, place,
        filieres_of(rng, primary, archetype), describe(ctx, archetype, form, values),
        headcount=headcount, capacities=" ; ".join(pick_some(rng, archetype["capacities"], 2, 4)),
        esus=esus_of(rng, kind, form), qpv=values["quartier"] is not None, sdg=sdg,
        naf=archetype.get("naf"), archetype=archetype["id"],
    )


def generated(ctx: BuildContext) -> list[OrgSpec]:
    jobs = [
        (primary, archetype, index)
        for primary, archetype in ctx.catalogue.archetypes
        for index in range(round(archetype.get("n", 3) * ORG_SCALE))
    ]
    communes = commune_sequence(ctx, len(jobs))
    return [build_one(ctx, *job, insee) for job, insee in zip(jobs, communes, strict=True)]
