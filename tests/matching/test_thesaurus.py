from matching.text import tokens
from matching.thesaurus import default_thesaurus, parse


def concepts(text: str) -> set[str]:
    return set(default_thesaurus().concepts(tokens(text)))


def test_ess_synonyms_share_a_concept():
    assert "~reemploi" in concepts("une ressourcerie de quartier")
    assert "~reemploi" in concepts("la recyclerie donne une seconde vie aux objets")
    assert "~cyclologistique" in concepts("livraisons en vélo-cargo")
    assert "~cyclologistique" in concepts("obligatoirement en cyclo-logistique")


def test_phrases_match_inflected_forms():
    assert "~compost" in concepts("les épluchures et restes alimentaires")


def test_parse_ignores_comments_and_blank_lines():
    thes = parse(["# comment\n", "\n", "velo\tvélo | bicyclette\n"])
    assert thes.expand(tokens("deux bicyclettes")) == ["deux", "bicyclett", "~velo"]
