"""Model rules: each broken rule is refused with a clear French message."""

import subprocess
import sys

import pytest
from sqlalchemy.exc import IntegrityError

from app.services.organisations import OrganisationData, create_organisation
from models import Lot, Organisation, Posting, ValidationError
from models.validators import siret_error, with_luhn_key

SIRET_A = with_luhn_key("4400000000001")
SIRET_B = with_luhn_key("4400000000002")


def org_data(**overrides) -> OrganisationData:
    values = dict(kind="ess", name="Ressourcerie de l'Île", siret=SIRET_A, commune_insee="44109",
                  legal_form_code="association", filiere_ids=["reemploi"])
    values.update(overrides)
    return OrganisationData(**values)


def make_posting(organisation: Organisation, **overrides) -> Posting:
    values = dict(organisation=organisation, direction="need", type="tender",
                  title="Collecte de mobilier", commune_insee="44109")
    values.update(overrides)
    return Posting(**values)


@pytest.fixture
def organisation(db) -> Organisation:
    organisation = create_organisation(db, org_data())
    db.commit()
    return organisation


@pytest.mark.parametrize("siret, message", [
    ("1234", "Le SIRET doit comporter exactement 14 chiffres."),
    ("1234567890123A", "Le SIRET doit comporter exactement 14 chiffres."),
    ("73282932000075", "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
])
def test_bad_siret_is_refused(siret, message):
    with pytest.raises(ValidationError) as error:
        Organisation(siret=siret)
    assert error.value.message == message
    assert error.value.field == "siret"


def test_valid_sirets_pass_including_la_poste():
    assert siret_error("732 829 320 00074") is None
    assert siret_error("35600000000088") is None  # La Poste: digit sum multiple of 5


def test_duplicate_siret_is_refused_by_the_service(db, organisation):
    with pytest.raises(ValidationError, match="Ce SIRET est déjà enregistré"):
        create_organisation(db, org_data(name="Autre nom"))


def test_duplicate_siret_is_refused_by_the_database(db, organisation):
    db.add(Organisation(kind="ess", name="Doublon", siret=SIRET_A, commune_insee="44109"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_unknown_commune_is_refused(db):
    with pytest.raises(ValidationError, match="Commune inconnue") as error:
        create_organisation(db, org_data(commune_insee="99999"))
    assert error.value.field == "commune_insee"


def test_unknown_commune_is_refused_by_the_database(db):
    db.add(Organisation(kind="ess", name="Nulle part", siret=SIRET_B, commune_insee="99999"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_legal_form_sets_eligibility_flags(db):
    organisation = create_organisation(db, org_data(legal_form_code="aci"))
    assert organisation.siae and not organisation.ea_esat
    assert organisation.commune.name == "Nantes" and organisation.lat is not None


def test_reserved_flag_on_a_non_tender_is_refused(db, organisation):
    db.add(make_posting(organisation, type="purchase", reserved="siae"))
    with pytest.raises(ValidationError, match="Seul un appel d'offres peut être un marché réservé"):
        db.flush()


def test_lots_on_a_non_tender_are_refused(db, organisation):
    posting = make_posting(organisation, type="partnership")
    posting.lots.append(Lot(number=1, title="Lot 1"))
    db.add(posting)
    with pytest.raises(ValidationError, match="Seul un appel d'offres peut comporter des lots"):
        db.flush()


def test_reserved_tender_with_lots_is_accepted(db, organisation):
    posting = make_posting(organisation, reserved="siae", insertion_hours=400)
    posting.lots.append(Lot(number=1, title="Collecte", estimated_amount=20000))
    db.add(posting)
    db.flush()
    assert posting.id and posting.lots[0].posting_id == posting.id


@pytest.mark.parametrize("start, target", [
    ("draft", "closed"), ("closed", "published"), ("closed", "draft"), ("published", "draft"),
])
def test_illegal_status_transitions_are_refused(db, organisation, start, target):
    posting = make_posting(organisation, status=start,
                           close_reason="cancelled" if start == "closed" else None)
    db.add(posting)
    db.flush()
    with pytest.raises(ValidationError, match="Passage impossible du statut"):
        posting.status = target


def test_lifecycle_draft_published_closed_with_reason(db, organisation):
    posting = make_posting(organisation)
    db.add(posting)
    db.flush()
    assert posting.status == "draft"
    posting.publish()
    posting.close("awarded")
    db.flush()
    assert (posting.status, posting.close_reason) == ("closed", "awarded")
    with pytest.raises(ValidationError, match="Motif de clôture inconnu"):
        make_posting(organisation).close("bored")


def test_closed_without_reason_is_refused(db, organisation):
    db.add(make_posting(organisation, status="closed"))
    with pytest.raises(ValidationError, match="doit avoir un motif"):
        db.flush()


def test_sdg_range_checked():
    with pytest.raises(ValidationError, match="ODD"):
        Organisation(sdg=[18])


def test_engine_and_models_import_without_flask():
    code = "import sys, matching, models; assert 'flask' not in sys.modules, 'flask imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
