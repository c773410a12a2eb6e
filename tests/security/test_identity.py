"""Identifiers have one spelling: SIRETs in ASCII digits, names and e-mails in NFKC without
control characters, e-mails lower-cased; the database and the migration enforce it too."""

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.services.accounts import EmailTaken, register_user
from models import Organisation, User, ValidationError
from models.session import make_engine
from models.validators import siret_error, with_luhn_key
from tests.conftest import ROOT
from tests.factories import make_organisation

PASSWORD = "motdepasse-solide"
SIRET = "95392505200011"
FULLWIDTH = SIRET.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = SIRET.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
CONTROL_ERROR = "Caractères de contrôle interdits"


@pytest.fixture
def rezé(db):
    return make_organisation(db, "Ville de Rezé", kind="public_buyer", siret=SIRET)


@pytest.fixture
def member(auth):
    auth.create_user("awa@example.org", PASSWORD)
    auth.login("awa@example.org", PASSWORD)


def org_form(**overrides) -> dict:
    return {"kind": "public_buyer", "name": "Ville de Rezé", "siret": SIRET,
            "commune_insee": "44143", "legal_form_code": "", **overrides}


def organisation_count(db) -> int:
    return db.scalar(select(func.count()).select_from(Organisation))


def test_siret_digits_are_ascii_after_nfkc():
    assert SIRET == with_luhn_key(SIRET[:13])
    assert siret_error(FULLWIDTH) is None  # normalises to the ASCII SIRET
    assert Organisation(siret=FULLWIDTH).siret == SIRET
    assert siret_error(ARABIC_INDIC) == "Le SIRET doit comporter exactement 14 chiffres."


@pytest.mark.parametrize("siret", ["00000000000000", "000000000 00000", "00000000012348"])
def test_a_null_siren_is_refused(siret):
    assert siret_error(siret) == "Ce SIRET n'existe pas (SIREN nul)."


@pytest.mark.parametrize("siret, message", [
    (FULLWIDTH, "Ce SIRET est déjà enregistré"),
    (ARABIC_INDIC, "Le SIRET doit comporter exactement 14 chiffres."),
    ("953 925 052 00011", "Ce SIRET est déjà enregistré"),
])
def test_a_registered_siret_cannot_be_registered_again_in_other_digits(
        client, db, rezé, member, siret, message):
    response = client.post("/organisations/nouvelle", data=org_form(siret=siret))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert organisation_count(db) == 1


@pytest.mark.parametrize("name", ["Nul\x01", "Digest Org\r\nBcc: victim@evil.example", "A\u200bB"])
def test_names_with_control_characters_are_refused_next_to_the_field(client, db, member, name):
    response = client.post("/organisations/nouvelle", data=org_form(name=name))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and CONTROL_ERROR in page
    assert 'id="name-error"' in page
    assert organisation_count(db) == 0


def test_names_and_emails_are_stored_in_nfkc_stripped():
    organisation = Organisation(name="  Ｒessourcerie ﬁne\u00a0 ", email=" Contact@Ｅxample.org ")
    assert organisation.name == "Ressourcerie fine"
    assert organisation.email == "contact@example.org"


def test_user_name_with_a_control_character_is_refused(db):
    with pytest.raises(ValidationError, match=CONTROL_ERROR) as error:
        register_user(db, "awa@example.org", PASSWORD, name="Awa\x00")
    assert error.value.field == "name"


def test_emails_compare_in_their_normalised_form(db):
    user = register_user(db, " Awa@Ｅxample.ORG ", PASSWORD)
    assert user.email == "awa@example.org"
    with pytest.raises(EmailTaken):
        register_user(db, "AWA@example.org", PASSWORD)


def test_the_database_refuses_the_same_email_in_another_case(db):
    register_user(db, "awa@example.org", PASSWORD)
    db.commit()
    with pytest.raises(IntegrityError):
        db.execute(text("INSERT INTO users (email, password_hash, name, is_animator, active, "
                        "session_version, created_at, updated_at) VALUES ('AWA@example.org', "
                        "'x', '', false, true, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User)) == 1


# The migration: existing rows are normalised, collisions stop it before any change.

BEFORE = "9bd1660d24b3"


def _alembic(engine, revision: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _insert_rows(connection, sirets: list[str], emails: list[str]) -> None:
    connection.execute(text("INSERT INTO communes (insee, name, department, postcodes, "
                            "in_metropole) VALUES ('44143', 'Rezé', '44', '44400', true)"))
    for number, siret in enumerate(sirets):
        connection.execute(text(
            "INSERT INTO organisations (kind, name, siret, esus, siae, ea_esat, qpv, "
            "commune_insee, address, description, capacities, website, email, phone, sdg, "
            "source, alert_frequency, alert_filieres, created_at, updated_at) VALUES ('ess', "
            ":name, :siret, false, false, false, false, '44143', '', '', '', '', '', '', '[]', "
            "'user', 'none', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"name": f"Org {number}", "siret": siret})
    for email in emails:
        connection.execute(text(
            "INSERT INTO users (email, password_hash, name, is_animator, active, created_at, "
            "updated_at) VALUES (:email, 'x', '', false, true, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)"), {"email": email})


@pytest.fixture
def old_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _alembic(engine, BEFORE)
    yield engine
    engine.dispose()


def test_migration_stops_on_collisions_and_lists_them(old_database):
    with old_database.begin() as connection:
        _insert_rows(connection, [SIRET, FULLWIDTH, ARABIC_INDIC],
                     ["awa@example.org", "Awa@Example.org"])
    with pytest.raises(RuntimeError) as error:
        _alembic(old_database, "head")
    message = str(error.value)
    assert f"organisations.siret = '{SIRET}': id 1 " in message
    assert "id 2" in message and "id 3" in message
    assert "users.email = 'awa@example.org': id 1 " in message and "id 2" in message
    with old_database.connect() as connection:  # nothing was changed
        assert connection.scalar(text("SELECT siret FROM organisations WHERE id = 2")) == FULLWIDTH


def test_migration_normalises_existing_identifiers(old_database):
    with old_database.begin() as connection:
        _insert_rows(connection, [FULLWIDTH], ["Awa@Example.org "])
    _alembic(old_database, "head")
    with old_database.connect() as connection:
        assert connection.scalar(text("SELECT siret FROM organisations")) == SIRET
        assert connection.execute(text("SELECT email, session_version FROM users")).one() == (
            "awa@example.org", 1)
