from matching.sparse import BM25, plain_analyzer, top_k

DOCS = {"r": "Recyclerie de quartier : collecte et revente d'objets",
        "v": "Livraison de colis en vélo-cargo",
        "c": "Cuisine centrale et restauration collective"}


def fitted(analyzer=None) -> BM25:
    bm25 = BM25(analyzer)
    bm25.upsert(DOCS, DOCS.values())
    return bm25


def test_thesaurus_bridges_vocabulary():
    bm25 = fitted()
    hits = top_k(bm25.scores("une ressourcerie pour nos meubles"), bm25.ids, 3)
    assert hits[0][0] == "r"
    plain = fitted(plain_analyzer)
    assert top_k(plain.scores("une ressourcerie"), plain.ids, 3) == []


def test_upsert_and_remove_refit_lazily():
    bm25 = fitted()
    bm25.remove(["r"])
    assert all(i != "r" for i, _ in top_k(bm25.scores("recyclerie"), bm25.ids, 3))
    bm25.upsert(["n"], ["Nouvelle recyclerie solidaire"])
    assert top_k(bm25.scores("recyclerie"), bm25.ids, 3)[0][0] == "n"


def test_common_terms_and_surface_forms():
    bm25 = fitted()
    terms = bm25.common_terms("collecte des objets", "r")
    assert {bm25.surface(t) for t in terms} >= {"collecte", "objets"}
    assert bm25.surface(terms[0]) in {"collecte", "objets"}
    assert bm25.idf("jamais-vu") == 0.0


def test_explaining_many_hits_analyses_the_query_once():
    calls = []

    def counting(text: str) -> list[str]:
        calls.append(text)
        return plain_analyzer(text)

    bm25 = BM25(counting)
    bm25.upsert(["a", "b"], ["collecte de meubles usagés", "vente de meubles en bois"])
    calls.clear()
    first = bm25.common_terms("collecte meubles", "a")
    second = bm25.common_terms("collecte meubles", "b")
    assert calls == ["collecte meubles"]
    assert first == [*plain_analyzer("collecte"), *plain_analyzer("meubles")]  # rarest first
    assert second == plain_analyzer("meubles")
