"""Value chains: one distinct organisation per step, through the same solver."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.consortia import (
    CHAIN_TEMPLATES,
    Candidate,
    ConsortiumOptions,
    build_chain,
    chain_tender,
)


def step_candidates(template_id: str, n: int, seed: int) -> list[Candidate]:
    """Organisations good at one or two steps of the chain."""
    rng = random.Random(seed)
    steps = [s.id for s in CHAIN_TEMPLATES[template_id].steps]
    return [Candidate(id=f"{template_id}-{k}", name=f"Structure {k}",
                      fits={s: round(rng.uniform(0.4, 1.0), 2)
                            for s in rng.sample(steps, rng.choice((1, 1, 2)))},
                      headcount=rng.randint(2, 60), lat=47.2 + rng.uniform(-0.2, 0.2),
                      lon=-1.55 + rng.uniform(-0.2, 0.2), siae=rng.random() < 0.3)
            for k in range(n)]


def test_templates_have_french_labelled_steps() -> None:
    assert {"reemploi", "eco-construction"} <= set(CHAIN_TEMPLATES)
    reuse = [s.label for s in CHAIN_TEMPLATES["reemploi"].steps]
    assert reuse == ["Collecte", "Tri", "Réparation", "Revente"]
    eco = [s.id for s in CHAIN_TEMPLATES["eco-construction"].steps]
    assert eco == ["deconstruction", "reemploi-materiaux", "construction-biosourcee"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(CHAIN_TEMPLATES)), st.integers(6, 30), st.integers(0, 10**6))
def test_chain_has_one_distinct_org_per_step(template_id: str, n: int, seed: int) -> None:
    result = build_chain(template_id, step_candidates(template_id, n, seed))
    steps = [s.id for s in CHAIN_TEMPLATES[template_id].steps]
    for proposal in result.proposals:
        assert list(proposal.assignment) == steps
        assert len(set(proposal.assignment.values())) == len(steps)
        assert all(len(m.lots) == 1 for m in proposal.members)
    if not result.feasible:
        assert result.message.startswith("Aucun")


def test_chain_explanation_speaks_of_steps_and_uncovered_steps_are_named() -> None:
    candidates = step_candidates("reemploi", 20, seed=1)
    result = build_chain("reemploi", candidates)
    assert result.feasible
    assert any("étape 1 « Collecte »" in line for line in result.proposals[0].explanation)
    no_repair = [c for c in candidates if "reparation" not in c.fits]
    missing = build_chain("reemploi", no_repair)
    assert missing.uncovered_lots == ("reparation",)
    assert "étape 3 « Réparation »" in missing.message


def test_chain_accepts_a_tender_with_social_clause() -> None:
    tender = chain_tender("eco-construction", insertion_hours=300, lat=47.21, lon=-1.55)
    candidates = step_candidates("eco-construction", 25, seed=2)
    result = build_chain("eco-construction", candidates, ConsortiumOptions(n_proposals=2),
                         tender=tender)
    by_id = {c.id: c for c in candidates}
    for proposal in result.proposals:
        assert any(by_id[m.candidate_id].siae for m in proposal.members)
