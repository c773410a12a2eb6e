"""The forward pipeline: one named feature table, a ranker over it, explanations from it."""

import re
from dataclasses import replace

from matching_corpus import place, small_corpus

from matching.api import Matcher, partner_need
from matching.features import FEATURES, score_details
from matching.ranker import HAND_SET
from matching.types import Need, Profile, Reference


def tender(text: str, **kw) -> Need:
    at = place("Rezé")
    return Need(id="n", text=text, lat=at["lat"], lon=at["lon"], **kw)


def test_one_feature_table_feeds_ranker_and_explanation(matcher):
    need = tender("Collecte et réemploi de mobilier de bureau", filieres=frozenset({"reemploi"}))
    table = matcher.need_features(need)
    assert "ville" not in table.ids  # direction and hard constraints filter the candidates
    found = matcher.suggest_suppliers(need, k=3)
    for s in found:
        row = table.rows[table.ids.index(s.id)]
        assert s.components == {n: round(v, 4) for n, v in row.items()}  # the same values
        assert s.score == round(matcher.ranker.score(row), 6)


def test_every_component_reads_in_french():
    need = tender("Collecte de meubles", filieres=frozenset({"reemploi"}))
    found = Matcher(dense=False, ranker=HAND_SET).fit(small_corpus()).suggest_suppliers(need)
    names = {n for s in found for n in s.components}
    assert names <= set(FEATURES)
    for s in found:
        for label, value in score_details(s.components):
            assert label[0].isupper() and "_" not in label
            assert not re.fullmatch(r"-?\d+\.\d{3,}", value)  # no 0.2798347945425659


def test_public_contracts_become_named_signals_and_lines():
    won = Reference(objet="Entretien des espaces verts de la commune", cpv="77310000",
                    buyer="21440143900017", buyer_name="Ville de Rezé", departement="44",
                    date="2018-06-01")
    gardener = Profile(id="jardin", title="Jardins de l'Ouest", text="Entretien de jardins.",
                       references=(won, won), departement="44", **place("Bouguenais"))
    other = Profile(id="autre", title="Paysages Nord", text="Entretien de jardins.",
                    **place("Bouguenais"))
    m = Matcher(dense=False, ranker=HAND_SET).fit([gardener, other])
    need = tender("Entretien des espaces verts", cpv="77310000", buyer="21440143900017",
                  departement="44", date="2019-03-01")
    rows = dict(zip(*(lambda t: (t.ids, t.rows))(m.need_features(need)), strict=True))
    assert rows["jardin"]["buyer_familiarity"] > 0 and rows["jardin"]["cpv_history"] == 1.0
    assert "buyer_familiarity" not in rows["autre"]
    explained = {s.id: s.explanation for s in m.suggest_suppliers(need)}
    assert "déjà titulaire chez cet acheteur : 2 marchés depuis 2018" in explained["jardin"]
    assert "implanté" not in explained["jardin"]  # the distance already says where it is


def test_an_organisation_and_its_offer_are_one_entry():
    corpus = small_corpus()
    offer = Profile(id="offre", title="Collecte de mobilier de bureau",
                    text="Nous collectons le mobilier de bureau et lui donnons une seconde vie.",
                    kind="offer", owner_id="insertion", filieres=frozenset({"reemploi"}),
                    siae=True, **place("Saint-Herblain"))
    m = Matcher(dense=False).fit([*corpus, offer])
    found = [s.id for s in m.suggest_suppliers(tender("collecte du mobilier de bureau"), k=10)]
    assert len({"offre", "insertion"} & set(found)) == 1


def test_explanations_skip_generic_words():
    m = Matcher(dense=False).fit([replace(p, text=p.text + " Activité économique réservée, "
                                          "loi de deux mille, ACI.") for p in small_corpus()])
    found = m.suggest_suppliers(tender("Activité économique réservée : collecte de mobilier, "
                                       "loi, deux lots, ACI"), k=3)
    for word in ("économique", "activité", "réservée", "deux", "loi", "aci"):
        assert all(word not in s.explanation.lower().split(": ")[-1].split(", ")
                   for s in found)


def test_partners_never_do_the_requesters_activity():
    twin = Profile(id="twin", title="Recyclerie du Sillon",
                   text="Ressourcerie associative : collecte de meubles et d'objets, vente.",
                   filieres=frozenset({"reemploi"}), **place("Nantes"))
    m = Matcher(dense=False).fit([*small_corpus(), twin])
    found = m.suggest_partners(m.profiles["recyclerie"], k=10)
    assert "twin" not in [s.id for s in found] and found
    brings = [s.explanation for s in found if "apporte" in s.explanation]
    assert brings and "même filière" not in " ".join(s.explanation for s in found)
    assert "logistique-urbaine" in partner_need(m.profiles["recyclerie"]).filieres


def test_a_local_supplier_is_a_candidate_when_the_place_is_only_a_departement():
    """DECP often says « 44 » and nothing more: organisations based there are candidates even
    when their few words share nothing with the subject, and rank above distant look-alikes."""
    local = Profile(id="local", title="Solidarité Emploi", text="Association intermédiaire.",
                    departement="44", naf="7830Z")
    others = [Profile(id=f"p{i:02}", title=f"Nettoyage {i}", text="Nettoyage de locaux.",
                      departement="13") for i in range(30)]
    windows = Profile(id="vitres", title="Clair", text="Lavage de vitres.", departement="13")
    m = Matcher(dense=False).fit([local, *others, windows])
    need = Need(id="n", text="Nettoyage des locaux de la mairie", departement="44")
    table = m.need_features(need)
    row = table.rows[table.ids.index("local")]
    assert row["same_departement"] == 1.0 and "sparse" not in row
    shown = {s.id: s.explanation for s in m.suggest_suppliers(need, k=40)}
    assert "implanté dans le département d'exécution (44)" in shown["local"]
    in_13 = Need(id="m", text="Lavage de vitres", departement="13")
    assert m.departement_hits(in_13, m.sparse.scores(in_13.text), lambda _: True, n=3) == [
        ("vitres", 1.0), ("p00", 1.0), ("p01", 1.0)]  # best words first, then by id
    m.upsert([Profile(id="nouveau", title="Vitres", text="Lavage de vitres et de baies.",
                      departement="13")])  # the pool follows the index
    assert {i for i, _ in m.departement_hits(in_13, m.sparse.scores(in_13.text),
                                             lambda _: True, n=2)} == {
        "vitres", "nouveau"}
    assert m.departement_hits(Need(id="m", text="x"), m.sparse.scores("x"), lambda _: True) == []


def test_past_contracts_of_the_buyer_or_in_the_cpv_class_make_candidates():
    """An organisation whose words say nothing of the tender is still a candidate when it
    already worked for that buyer or in the tender's CPV class."""
    def won(cpv: str, buyer: str) -> Reference:
        return Reference(objet="Marché à bons de commande", cpv=cpv, buyer=buyer)
    roofer = Profile(id="toits", title="SARL Martin", text="SARL Martin",
                     references=(won("45261000", "21000000000001"),) * 2)
    regular = Profile(id="habitue", title="Ets Durand", text="Ets Durand",
                      references=(won("79000000", "21440109300015"),))
    stranger = Profile(id="autre", title="Ets Petit", text="Ets Petit",
                       references=(won("90000000", "21000000000002"),))
    m = Matcher(dense=False).fit([roofer, regular, stranger])
    need = Need(id="n", text="Réfection de la couverture du gymnase", cpv="45261210",
                buyer="21440109300015")
    assert m.history_hits(need, lambda _: True) == [("habitue", 1.0), ("toits", 2.0)]
    assert {"habitue", "toits"} <= set(m.need_features(need).ids)


def test_public_bodies_answer_requests_for_premises():
    """A request for premises puts the social landlord first among equally worded answers;
    a tender does not (a public buyer never answers one)."""
    landlord = Profile(id="bailleur", title="Loire Habitat", kind="public_buyer",
                       text="Bailleur social : des locaux en pied d'immeuble à louer.")
    tiers_lieu = Profile(id="tiers", title="La Halle", kind="ess",
                         text="Tiers-lieu associatif : des locaux en pied d'immeuble à louer.")
    m = Matcher(dense=False).fit([landlord, tiers_lieu])
    found = m.suggest_suppliers(Need(id="n", text="Nous cherchons des locaux à louer",
                                     type="resource"))
    assert [s.id for s in found] == ["bailleur", "tiers"]
    assert found[0].components["public_resource"] == 1.0
    assert "public_resource" not in found[1].components
    assert ("Collectivité ou bailleur public, pour une demande de ressources", "oui") in \
        score_details(found[0].components)
