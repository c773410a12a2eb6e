"""Property tests: whatever the corpus and the need, hard constraints are never broken."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.api import Matcher
from matching.rank import violations
from matching.types import Need, Profile

WORDS = ["recyclerie", "mobilier", "vélo", "livraison", "repas", "insertion", "collecte",
         "logement", "énergie", "réparation", "ordinateurs", "jardin"]
FILIERES = ["reemploi", "alimentation", "logistique-urbaine", "sante"]
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
coord = st.one_of(st.none(), st.tuples(st.floats(46.5, 48.5), st.floats(-2.5, 0.5)))


@st.composite
def profiles(draw, i):
    where = draw(coord)
    return Profile(id=f"p{i}", text=draw(text), filieres=frozenset(draw(
        st.lists(st.sampled_from(FILIERES), max_size=2))), lat=where and where[0],
        lon=where and where[1], siae=draw(st.booleans()), ea_esat=draw(st.booleans()),
        kind=draw(st.sampled_from(["ess", "company", "public_buyer", "offer"])),
        owner_id=draw(st.sampled_from([None, "p0", "p1"])), active=draw(st.booleans()))


@st.composite
def cases(draw):
    n = draw(st.integers(1, 25))
    corpus = [draw(profiles(i)) for i in range(n)]
    where = draw(coord)
    need = Need(id="n", text=draw(text), type=draw(st.sampled_from(
        ["tender", "partnership", "resource"])), reserved=draw(st.sampled_from(
            [None, "siae", "ea_esat"])), max_km=draw(st.one_of(st.none(), st.floats(1, 200))),
        lat=where and where[0], lon=where and where[1],
        filieres=frozenset(draw(st.lists(st.sampled_from(FILIERES), max_size=2))),
        requester_id=draw(st.sampled_from([None, "p0", "p1"])))
    return corpus, need


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_no_result_ever_breaks_a_hard_constraint(case):
    corpus, need = case
    matcher = Matcher(dense=False).fit(corpus)
    by_id = {p.id: p for p in corpus}
    for method in ("filter", "sparse", "hybrid"):
        for s in matcher.rank(need, method, k=10):
            profile = by_id[s.id]
            assert violations(profile, need) == []
            assert profile.active
            if need.requester_id is not None:
                assert need.requester_id not in (profile.id, profile.owner_id)
