"""Registration, login and logout through the real forms."""


def test_register_logs_in_and_hashes_with_argon2(client, db):
    response = client.post("/compte/inscription", data={
        "name": "Awa Diallo", "email": "Awa@Example.org",
        "password": "un-mot-de-passe", "confirm": "un-mot-de-passe",
    })
    assert response.status_code == 302
    from app.services.accounts import find_user

    user = find_user(db, "awa@example.org")
    assert user.password_hash.startswith("$argon2")
    assert "un-mot-de-passe" not in user.password_hash


def test_register_invalid_keeps_input_and_explains_in_french(client):
    response = client.post("/compte/inscription", data={
        "name": "Awa", "email": "pas-une-adresse", "password": "court", "confirm": "autre",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adresse e-mail invalide." in page
    assert "Au moins 10 caractères." in page
    assert 'value="pas-une-adresse"' in page


def test_register_with_taken_email_creates_nothing_and_does_not_log_in(client, auth, db):
    auth.create_user("pris@example.org")
    response = client.post("/compte/inscription", data={
        "name": "X", "email": "Pris@Example.org",
        "password": "un-mot-de-passe", "confirm": "un-mot-de-passe",
    }, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Se connecter" in page and "Se déconnecter" not in page
    from sqlalchemy import func, select

    from models import User

    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_login_logout(client, auth):
    auth.create_user()
    assert auth.login(password="mauvais-mot-de-passe").status_code == 200
    response = auth.login()
    assert response.status_code == 302
    assert "Se déconnecter" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Se connecter" in client.get("/").get_data(as_text=True)


def test_login_does_not_follow_external_next(client, auth):
    auth.create_user()
    response = client.post("/compte/connexion?next=https://evil.example/",
                           data={"email": "test@example.org", "password": "motdepasse-solide"})
    assert response.location == "/"
