from matching.complement import adjacency, apposition, duplicate_score, focus, identity

REQUEST = ("Épicerie solidaire de Vertou, nous voulons proposer des ateliers de cuisine. "
           "Nous cherchons un partenaire.")


def test_identity_and_focus_split_who_asks_from_what_is_sought():
    assert identity(REQUEST) == "Épicerie solidaire de Vertou"
    assert apposition(REQUEST) == "Épicerie solidaire de Vertou"
    assert focus(REQUEST, REQUEST).startswith("nous voulons proposer")
    assert identity("Notre recyclerie reçoit des lampes en panne.").startswith("recyclerie")
    assert apposition("La Ville cherche un prestataire.") is None


def test_duplicate_score_weights_rare_words():
    weights = {"epiceri": 3.0, "solidair": 0.5}

    def idf(token: str) -> float:
        return weights.get(token, 1.0)

    same = duplicate_score("Épicerie solidaire", "Épicerie solidaire du centre", idf)
    other = duplicate_score("Épicerie solidaire", "Atelier cuisine solidaire", idf)
    assert same == 1.0 and other < 0.2


def test_value_chain_is_symmetric_pairs():
    assert frozenset(("reemploi", "logistique-urbaine")) in adjacency()
