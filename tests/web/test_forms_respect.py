"""Forms that respect the user (issue #11, item 7): every error at once, limits enforced with
a message (never a silent cut), amounts explained, filières proposed when left empty."""

from datetime import timedelta

import pytest

from app.services import cpv_suggestions
from models.posting import Posting
from tests.factories import text
from tests.web.test_publishing import TODAY, buyer, only_posting, tender  # noqa: F401


def test_every_error_shows_after_one_submit(client, db, buyer):  # noqa: F811
    """The issue's four waves: a past date, a bad CPV code, a reservation on a partnership,
    and a field error of the form itself, all on the first answer."""
    response = client.post("/publier/nouvelle", data=tender(
        type="partnership", deadline=(TODAY - timedelta(days=1)).isoformat(),
        cpv_codes="7731", max_km="loin", **{"lots-0-title": "", "lots-0-estimated_amount": ""}))
    page = text(response)
    assert response.status_code == 200 and only_posting(db) is None
    for message in ("Pour publier, la date limite doit être postérieure à aujourd'hui.",
                    "Code CPV mal formé : « 7731 »",
                    "Seul un appel d'offres peut être un marché réservé.",
                    "N'est pas un entier valide."):
        assert message in page, message


@pytest.mark.parametrize("field, length, limit, message", [
    ("title", 236, 200, "Le titre fait 236 caractères pour 200 au plus : retirez-en 36."),
    ("description", 5236, 5000,
     "La description fait 5\u202f236 caractères pour 5\u202f000 au plus : retirez-en 236."),
])
def test_too_long_text_is_refused_with_its_length_and_kept_whole(client, db, buyer,  # noqa: F811
                                                                 field, length, limit, message):
    typed = ("Collecte de mobilier " * 400)[:length]
    response = client.post("/publier/nouvelle", data=tender(**{field: typed}))
    page = text(response)
    assert message in page and only_posting(db) is None
    assert typed in page  # nothing cut: the user shortens it knowingly
    assert f'maxlength="{limit}"' in page  # the limit is on the field (JS turns it to a counter)


def test_the_domain_refuses_a_too_long_title_too(db):
    posting = Posting(direction="need", type="purchase", title="x" * 201)
    assert [p.field for p in posting.problems()] == ["title"]


def test_an_amount_in_words_says_how_to_type_it(client, db, buyer):  # noqa: F811
    page = text(client.post("/publier/nouvelle", data=tender(budget_max="cinquante mille")))
    assert "Montant en chiffres, par exemple 50 000" in page
    assert "doit être positif" not in page
    assert 'value="cinquante mille"' in page


class FakeSuggester:
    """Stands in for the CPV model (30 s to train): the filière mapping stays the real one."""

    def suggest(self, text, k=5):
        from matching.cpv import CpvSuggestion

        return [CpvSuggestion("90511200", "Services de collecte des ordures ménagères", 2.0),
                CpvSuggestion("39160000", "Mobilier scolaire", 1.5)][:k]


@pytest.fixture
def suggester():
    cpv_suggestions.set_suggester(FakeSuggester())
    yield
    cpv_suggestions.set_suggester(None)


def test_filieres_are_proposed_when_left_empty_and_the_buyer_confirms(
        client, db, buyer, suggester):  # noqa: F811
    data = tender(filiere_ids=[], title="Collecte et réemploi du mobilier des écoles")
    first = client.post("/publier/nouvelle", data=data)
    page = text(first)
    assert first.status_code == 200 and only_posting(db) is None
    assert "Aucune filière choisie : sans filière, l'annonce n'alerte personne." in page
    assert "nous proposons : Réemploi" in page
    assert 'name="filieres_confirmed" type="hidden" value="1"' in page
    assert 'checked id="filiere_ids-' in page or 'value="reemploi" checked' in page \
        or 'checked type="checkbox" value="reemploi"' in page
    confirmed = client.post("/publier/nouvelle", data=dict(
        data, filiere_ids=["reemploi"], filieres_confirmed="1"))
    assert confirmed.status_code == 302
    assert [f.id for f in only_posting(db).filieres] == ["reemploi"]


def test_a_confirmed_empty_choice_publishes_without_filiere(client, db, buyer,  # noqa: F811
                                                             suggester):
    client.post("/publier/nouvelle", data=tender(filiere_ids=[], filieres_confirmed="1"))
    assert only_posting(db).status == "published" and only_posting(db).filieres == []
