from matching.text import fold, folded_key, stem, tokens


def test_fold_strips_accents_and_ligatures():
    assert fold("Réemploi, Œuvre à Couëron") == "reemploi, oeuvre a coueron"


def test_stem_conflates_inflections():
    assert stem("logements") == stem("logement")
    assert stem("reparation") == stem("reparations") == stem("reparer")
    assert stem("locaux") == "local"


def test_tokens_drop_stop_words_and_elisions():
    assert tokens("L'atelier de réparation des vélos") == [stem("atelier"), "repar", "velo"]


def test_folded_key_matches_saint_and_hyphens():
    assert folded_key("Saint-Sébastien-sur-Loire") == folded_key("ST SEBASTIEN SUR LOIRE")
    assert folded_key("Sainte-Luce-sur-Loire") == folded_key("ste luce sur loire")
