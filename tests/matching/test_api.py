from matching_corpus import place, small_corpus

from matching.api import METHODS, Matcher, partner_need
from matching.types import Need, SearchFilters


def need(text: str, **kw) -> Need:
    return Need(id="n", text=text, **{**{"lat": place("Rezé")["lat"],
                                         "lon": place("Rezé")["lon"]}, **kw})


def test_suppliers_ranked_with_french_explanations(matcher):
    found = matcher.suggest_suppliers(need(
        "Enlèvement de 400 postes de travail (bureaux, armoires) et réemploi du mobilier",
        filieres=frozenset({"reemploi"})), k=3)
    assert found[0].id in {"insertion", "recyclerie"}
    assert "ville" not in [s.id for s in found]  # public buyers do not answer tenders
    assert "même filière : réemploi" in found[0].explanation
    assert {"sparse", "dense", "fused", "filiere", "distance_km"} <= set(found[0].components)


def test_reserved_tender_only_eligible(matcher):
    found = matcher.suggest_suppliers(need("collecte de mobilier", reserved="siae"), k=10)
    assert [s.id for s in found] == ["insertion"]
    assert "SIAE" in found[0].explanation


def test_partners_are_complementary_not_lookalikes(matcher):
    request = need("Recyclerie associative, nous recevons des lampes et de l'électroménager en "
                   "panne : nous cherchons un partenaire pour les réparer avec les habitants.",
                   type="partnership", filieres=frozenset({"reemploi"}))
    found = matcher.suggest_partners(request, k=5)
    ranked = [s.id for s in found]
    assert ranked[0] == "repair"
    assert "recyclerie" not in ranked[:2]  # the requester's look-alike
    assert "électroménager" in found[0].explanation


def test_partners_of_a_profile_exclude_itself(matcher):
    recyclerie = matcher.profiles["recyclerie"]
    found = matcher.suggest_partners(recyclerie, k=5)
    assert "recyclerie" not in [s.id for s in found]
    assert "logistique-urbaine" in partner_need(recyclerie).filieres
    assert found[0].explanation


def test_search_with_filters(matcher):
    found = matcher.search("repas et buffets", SearchFilters(ea_esat=True), k=5)
    assert [s.id for s in found] == ["traiteur"]
    near = matcher.search("mobilier", SearchFilters(commune="Rezé", max_km=10), k=10)
    assert "paris" not in [s.id for s in near] and near


def test_incremental_upsert_and_remove():
    m = Matcher().fit(small_corpus()[:3])
    index = m.index
    m.upsert(small_corpus()[3:5])
    assert m.index is index and len(m.index) == 5
    m.remove(["cargo"])
    assert len(m.index) == 4 and "cargo" not in m.profiles
    assert "cargo" not in [s.id for s in m.search("livraison vélo-cargo", k=10)]


def test_registry_lists_methods(sparse_matcher):
    assert set(METHODS) >= {"filter", "sparse", "dense", "hybrid"}
    n = need("mobilier de bureau", filieres=frozenset({"reemploi"}))
    nearest = sparse_matcher.rank(n, "filter", 5)
    assert nearest[0].id == "recyclerie"  # same commune as the need
