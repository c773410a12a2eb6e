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



def test_fold_strips_every_combining_mark():
    """The translate table is exactly « drop what unicodedata calls combining »."""
    import sys
    import unicodedata

    from matching.text import COMBINING_LIMIT, fold
    assert not [c for c in range(COMBINING_LIMIT, sys.maxunicode + 1)
                if unicodedata.combining(chr(c))]
    sample = "".join(chr(c) for c in range(0x20, 0x2500)) + "Ré-EMPLOI Œuvre e\u0301té"
    lowered = sample.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", lowered)
    assert fold(sample) == "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold("Ré-EMPLOI Œuvre ça, naïf, e\u0301té") == "re-emploi oeuvre ca, naif, ete"


def test_prefixed_compounds_also_give_their_joined_spelling():
    from matching.text import tokens
    assert {"reemploi", "emploi"} <= set(tokens("Ré-emploi des meubles"))
    assert tokens("Saint-Herblain") == ["saint", "herblain"]  # not a prefix: no joined form
