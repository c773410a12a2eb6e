"""Example-based tests of the groupement builder: infeasibility, rules, explanations."""

from __future__ import annotations

from matching.consortia import (
    Candidate,
    ConsortiumOptions,
    Lot,
    Role,
    Tender,
    build_consortia,
)
from matching.consortia.synthetic import synthetic_instance

NANTES = (47.218, -1.554)


def org(oid: str, fits: dict[str, float], headcount: int = 20, **flags: object) -> Candidate:
    return Candidate(id=oid, name=f"Org {oid}", fits=fits, headcount=headcount,
                     lat=NANTES[0], lon=NANTES[1], **flags)  # type: ignore[arg-type]


def tender(*lots: Lot, **kw: object) -> Tender:
    return Tender(lots=lots, lat=NANTES[0], lon=NANTES[1], **kw)  # type: ignore[arg-type]


LOTS = (Lot("nettoyage", "Nettoyage"), Lot("espaces-verts", "Espaces verts"),
        Lot("blanchisserie", "Blanchisserie"))


def test_infeasible_names_uncovered_lots_in_french() -> None:
    result = build_consortia(tender(*LOTS), [org("a", {"nettoyage": 0.9}),
                                             org("b", {"espaces-verts": 0.1})])
    assert not result.feasible
    assert result.uncovered_lots == ("espaces-verts", "blanchisserie")
    assert "« Espaces verts »" in result.message and "« Blanchisserie »" in result.message


def test_reserved_lot_needs_an_eligible_holder() -> None:
    lots = (Lot("a", "A"), Lot("b", "B", reserved="siae"))
    candidates = [org("big", {"a": 0.9, "b": 0.95}), org("siae", {"b": 0.5}, siae=True)]
    result = build_consortia(tender(*lots), candidates)
    assert result.feasible
    assert result.proposals[0].assignment == {"a": "big", "b": "siae"}
    alone = build_consortia(tender(*lots), candidates[:1])
    assert not alone.feasible and alone.uncovered_lots == ("b",)


def test_reserved_tender_keeps_only_eligible_members() -> None:
    candidates = [org("x", {"nettoyage": 0.99}), org("e", {"nettoyage": 0.6}, ea_esat=True)]
    result = build_consortia(tender(LOTS[0], reserved="ea_esat"), candidates)
    assert [m.candidate_id for m in result.proposals[0].members] == ["e"]
    assert any("Marché réservé EA/ESAT" in line for line in result.proposals[0].explanation)


def test_social_clause_brings_in_an_siae() -> None:
    candidates = [org("a", {"nettoyage": 0.95, "espaces-verts": 0.95}),
                  org("s", {"espaces-verts": 0.5}, siae=True)]
    plain = build_consortia(tender(*LOTS[:2]), candidates)
    social = build_consortia(tender(*LOTS[:2], insertion_hours=600), candidates)
    assert set(plain.proposals[0].assignment.values()) == {"a"}
    assert social.proposals[0].assignment["espaces-verts"] == "s"
    no_siae = build_consortia(tender(*LOTS[:2], insertion_hours=600), candidates[:1])
    assert not no_siae.feasible and "clause sociale" in no_siae.message


def test_lead_rule_and_weak_points_are_explained() -> None:
    candidates = [org("small", {"nettoyage": 0.9, "espaces-verts": 0.42}, headcount=4)]
    result = build_consortia(tender(*LOTS[:2]), candidates)
    proposal = result.proposals[0]
    assert proposal.lead.candidate_id == "small" and proposal.components.lead < 0
    weak = proposal.explanation[-1]
    assert "lot 2 couvert avec une adéquation faible (0,42)" in weak
    assert "mandataire de petite taille" in weak


def test_roles_lead_cocontractor_subcontractor() -> None:
    candidates = [org("lead", {"nettoyage": 0.9}, headcount=40),
                  org("co", {"espaces-verts": 0.9}, headcount=8),
                  org("sub", {"blanchisserie": 0.9}, headcount=1)]
    roles = {m.candidate_id: m.role for m in build_consortia(tender(*LOTS), candidates)
             .proposals[0].members}
    assert roles == {"lead": Role.LEAD, "co": Role.CO_CONTRACTOR, "sub": Role.SUBCONTRACTOR}


def test_prefer_network_tips_a_tie() -> None:
    candidates = [org("a", {"nettoyage": 0.8}), org("b", {"nettoyage": 0.8},
                                                    networks=frozenset({"ecossolies"}))]
    opts = ConsortiumOptions(prefer_network="ecossolies", n_proposals=1)
    result = build_consortia(tender(LOTS[0]), candidates, opts)
    assert result.proposals[0].assignment == {"nettoyage": "b"}
    assert result.proposals[0].components.network > 0


def test_max_members_can_make_it_infeasible_without_raising() -> None:
    candidates = [org(k, {lot.id: 0.9}) for k, lot in zip("abc", LOTS, strict=True)]
    result = build_consortia(tender(*LOTS), candidates, ConsortiumOptions(max_members=2))
    assert not result.feasible and result.message.startswith("Aucun groupement")


def test_diversity_on_lots_changes_assignments() -> None:
    t, candidates = synthetic_instance(6, 60, seed=3)
    opts = ConsortiumOptions(diversity_on="lots", diversity=3, n_proposals=3)
    proposals = build_consortia(t, candidates, opts).proposals
    assert len(proposals) == 3
    for k, p in enumerate(proposals):
        for q in proposals[k + 1:]:
            assert sum(p.assignment[lot] != q.assignment[lot] for lot in p.assignment) >= 3


def test_medium_tender_is_solved_exactly_and_proven() -> None:
    t, candidates = synthetic_instance(20, 500, seed=0)
    result = build_consortia(t, candidates, ConsortiumOptions(n_proposals=1))
    assert result.method == "exact" and result.proposals[0].proven_optimal
    assert result.elapsed_s < 5


def test_heuristic_above_the_size_threshold() -> None:
    t, candidates = synthetic_instance(8, 80, seed=1)
    result = build_consortia(t, candidates, ConsortiumOptions(exact_max_pairs=10))
    assert result.method == "heuristic" and result.feasible
    assert not any(p.proven_optimal for p in result.proposals)
