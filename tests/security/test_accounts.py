"""Accounts without enumeration (same answer, similar timing), password reset by a single-use
e-mailed link, and a password policy that refuses common and trivial passwords."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.accounts import password_error
from models import User
from tests.factories import text

EMAIL, PASSWORD = "awa@example.org", "motdepasse-solide"
NEW_PASSWORD = "une-toute-nouvelle-phrase"


def outbox(app, to: str) -> dict:
    """The e-mails written for `to`, by file."""
    mails = {path: message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")}
    return {path: mail for path, mail in mails.items() if mail["To"] == to}


def new_mail(app, to: str, send) -> object:
    """The one e-mail to `to` that `send()` writes."""
    before = outbox(app, to)
    send()
    [mail] = [mail for path, mail in outbox(app, to).items() if path not in before]
    return mail


def register(client, email: str, password: str = "un-mot-de-passe", **kwargs):
    return client.post("/compte/inscription", data={
        "name": "Awa Diallo", "email": email, "password": password, "confirm": password},
        **kwargs)


def users(db) -> int:
    return db.scalar(select(func.count()).select_from(User))


# No enumeration


def test_registration_answers_the_same_for_a_taken_email(app, client, auth, db):
    auth.create_user(EMAIL, PASSWORD)
    answers = []
    notice = new_mail(app, EMAIL, lambda: answers.append(
        register(app.test_client(), "Awa@example.org", follow_redirects=True)))
    answers.append(register(app.test_client(), "nouvelle@example.org", follow_redirects=True))
    taken, fresh = answers
    assert taken.request.path == fresh.request.path == "/"
    message = "Si cette adresse n'était pas encore inscrite, votre compte est créé."
    assert message in text(taken) and message in text(fresh)
    assert "Un compte existe déjà" not in text(taken)
    assert users(db) == 2
    assert "déjà inscrite" in notice["Subject"]


def test_concurrent_registrations_of_one_email_make_one_account(app, db):
    def attempt(_):
        return register(app.test_client(), EMAIL).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(attempt, range(10)))
    assert statuses == [302] * 10
    assert users(db) == 1


def _median_login_seconds(client, email: str, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.post("/compte/connexion", data={"email": email, "password": "faux-mdp"})
        times.append(time.perf_counter() - started)
        assert "Adresse e-mail ou mot de passe incorrect." in text(response)
    return statistics.median(times)


def test_login_takes_as_long_for_an_unknown_email(client, auth):
    auth.create_user(EMAIL, PASSWORD)
    _median_login_seconds(client, EMAIL, rounds=1)  # warm-up
    known = _median_login_seconds(client, EMAIL)
    unknown = _median_login_seconds(client, "personne@example.org")
    assert 0.5 <= known / unknown <= 2.0, (known, unknown)


# Password reset


def _reset_link(app, client, email: str = EMAIL) -> str:
    mail = new_mail(app, email, lambda: client.post("/compte/mot-de-passe-oublie",
                                                    data={"email": email}))
    body = mail.get_content()
    return body.split("http://127.0.0.1:5000", 1)[1].split()[0]


@pytest.fixture
def user(auth):
    return auth.create_user(EMAIL, PASSWORD)


def test_login_page_links_to_password_reset(client):
    assert "/compte/mot-de-passe-oublie" in text(client.get("/compte/connexion"))


def test_password_reset_by_emailed_single_use_link(app, client, auth, user):
    link = _reset_link(app, client)
    assert "Nouveau mot de passe" in text(client.get(link))
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/compte/connexion"
    assert auth.login(EMAIL, PASSWORD).status_code == 200  # the old one is refused
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302
    again = client.post(link, data={"password": "encore-une-autre-phrase",
                                     "confirm": "encore-une-autre-phrase"})
    assert again.status_code == 400 and "Ce lien n'est plus valable" in text(again)


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, user):
    answers = [text(client.post("/compte/mot-de-passe-oublie", data={"email": email},
                                follow_redirects=True))
               for email in (EMAIL, "personne@example.org")]
    assert "Si un compte existe pour cette adresse" in answers[0]
    assert answers[0] == answers[1]
    assert outbox(app, "personne@example.org") == {}


def test_expired_or_forged_links_are_refused(app, client, user, monkeypatch):
    link = _reset_link(app, client)
    assert client.get(link[:-3] + "abc").status_code == 400
    monkeypatch.setattr("app.services.account_mail.RESET_MAX_AGE_SECONDS", -1)
    assert client.get(link).status_code == 400


def test_reset_applies_the_password_policy(app, client, user):
    link = _reset_link(app, client)
    response = client.post(link, data={"password": "azertyuiop", "confirm": "azertyuiop"})
    assert response.status_code == 200 and "Mot de passe trop facile à deviner" in text(response)


def test_reset_forms_need_a_csrf_token(app, user):
    from app import create_app

    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True}).test_client()
    sent = len(outbox(app, EMAIL))
    assert protected.post("/compte/mot-de-passe-oublie", data={"email": EMAIL}).status_code == 400
    assert len(outbox(app, EMAIL)) == sent


# Password policy


@pytest.mark.parametrize("password", [
    "aaaaaaaaaa", "1234567890", "motdepasse", "azertyuiop", "motdepasse123", "password123",
    "qwertyuiop", "0000000000",
])
def test_common_and_trivial_passwords_are_refused_in_french(client, db, password):
    response = register(client, EMAIL, password)
    assert response.status_code == 200
    assert "Mot de passe trop facile à deviner" in text(response)
    assert users(db) == 0


@pytest.mark.parametrize("password", ["essaim-demo", "motdepasse-solide", "un-mot-de-passe"])
def test_demo_and_passphrase_passwords_pass(password):
    assert password_error(password, (EMAIL, "Awa Diallo")) is None
