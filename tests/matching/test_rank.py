import pytest

from matching.rank import allowed, combsum, filiere_match, rrf, violations
from matching.types import Need, Profile

NANTES = (47.2184, -1.5536)
PARIS = (48.8566, 2.3522)


def test_rrf_and_combsum_are_normalised():
    assert rrf([["a", "b"], ["a"]])["a"] == pytest.approx(1.0)
    fused = combsum([[("a", 4.0), ("b", 2.0)], [("b", 0.9), ("a", 0.45)]])
    assert fused == {"a": pytest.approx(0.75), "b": pytest.approx(0.75)}


def test_hard_constraints_and_direction():
    need = Need("n", "nettoyage", reserved="siae", max_km=30, lat=NANTES[0], lon=NANTES[1],
                requester_id="me")
    ok = Profile("p", "x", siae=True, lat=NANTES[0], lon=NANTES[1])
    assert violations(ok, need) == [] and allowed(ok, need)
    assert violations(Profile("q", "x", lat=NANTES[0], lon=NANTES[1]), need) == ["eligibility"]
    assert "max_km" in violations(Profile("r", "x", siae=True, lat=PARIS[0], lon=PARIS[1]), need)
    assert "max_km" in violations(Profile("u", "x", siae=True), need)  # unknown place
    mine = Profile("o", "x", siae=True, kind="offer", owner_id="me", lat=NANTES[0],
                   lon=NANTES[1])
    assert violations(mine, need) == ["requester"]
    buyer = Profile("b", "x", kind="public_buyer", siae=True, lat=NANTES[0], lon=NANTES[1])
    assert not allowed(buyer, need)
    assert allowed(buyer, Need("res", "un local", type="resource"))
    closed = Profile("c", "x", siae=True, active=False, lat=NANTES[0], lon=NANTES[1])
    assert not allowed(closed, need)


def test_filiere_match_levels():
    need = Need("n", "x", filieres=frozenset({"reemploi"}))
    assert filiere_match(Profile("a", "x", filieres=frozenset({"reemploi"})), need)[0] == 1.0
    adjacent = Profile("b", "x", filieres=frozenset({"logistique-urbaine"}))
    assert filiere_match(adjacent, need) == (0.5, "logistique-urbaine")
    assert filiere_match(Profile("c", "x", filieres=frozenset({"sante"})), need)[0] == 0.0
