"""Sessions end on the server: logout, a new password or deactivation kill every copy of the
cookie; the cookie is Secure by default except on plain HTTP on this machine."""

import re

import pytest

from app.auth.sessions import load_user
from app.config import Config
from app.services.accounts import deactivate_user, find_user

EMAIL, PASSWORD = "awa@example.org", "motdepasse-solide"
PRIVATE = "/organisations/"


@pytest.fixture
def user(auth):
    user = auth.create_user(EMAIL, PASSWORD)
    auth.login(EMAIL, PASSWORD)
    return user


@pytest.fixture
def thief(app, client, user):
    """Another browser holding a copy of the logged-in user's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get(PRIVATE).status_code == 200
    return other


def refused(browser) -> bool:
    response = browser.get(PRIVATE)
    return response.status_code == 302 and response.location.startswith("/compte/connexion")


def test_logout_kills_a_copied_cookie(auth, thief):
    auth.logout()
    assert refused(thief)


def test_logging_in_again_after_logout_works(client, auth, thief):
    auth.logout()
    auth.login(EMAIL, PASSWORD)
    assert client.get(PRIVATE).status_code == 200
    assert refused(thief)


def test_password_change_keeps_this_browser_and_kills_the_others(client, thief):
    response = client.post("/compte/mot-de-passe", data={
        "current": PASSWORD, "password": "nouvelle-phrase-secrete", "confirm":
        "nouvelle-phrase-secrete"})
    assert response.status_code == 302
    assert client.get(PRIVATE).status_code == 200
    assert refused(thief)


def test_password_change_needs_the_current_password(client, thief):
    response = client.post("/compte/mot-de-passe", data={
        "current": "pas-le-bon-mot", "password": "nouvelle-phrase-secrete", "confirm":
        "nouvelle-phrase-secrete"})
    assert "Mot de passe actuel incorrect." in response.get_data(as_text=True)
    assert not refused(thief)


def test_deactivation_kills_every_session(client, db, thief):
    deactivate_user(db, find_user(db, EMAIL))
    db.commit()
    assert refused(thief) and refused(client)


@pytest.mark.parametrize("session_id", [
    "1",  # a cookie from before session versions
    "99999999999999999999:1", "1:99999999999999999999", "１:1", "1:1:1", "", "abc",
])
def test_malformed_or_old_session_ids_are_refused_without_error(app, session_id):
    with app.app_context():
        assert load_user(session_id) is None


def test_a_stale_version_is_refused(app, user):
    with app.app_context():
        assert load_user(f"{user.id}:{user.session_version}") is not None
        assert load_user(f"{user.id}:{user.session_version + 1}") is None


@pytest.mark.parametrize("base_url, env, secure", [
    ("https://essaim.example", None, True),
    ("http://essaim.example", None, True),
    ("http://127.0.0.1:5000", None, False),  # `make run`
    ("http://localhost:5000", None, False),
    ("https://essaim.example", "0", False),
    ("http://127.0.0.1:5000", "1", True),
])
def test_session_cookie_is_secure_by_default(monkeypatch, base_url, env, secure):
    monkeypatch.setenv("BASE_URL", base_url)
    if env is None:
        monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    else:
        monkeypatch.setenv("SESSION_COOKIE_SECURE", env)
    assert Config().SESSION_COOKIE_SECURE is secure


def test_session_cookie_is_httponly_and_samesite(client, auth):
    auth.create_user(EMAIL, PASSWORD)
    cookie = auth.login(EMAIL, PASSWORD).headers["Set-Cookie"]
    assert re.search(r"HttpOnly", cookie) and re.search(r"SameSite=Lax", cookie)
