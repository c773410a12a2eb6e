"""The organisation's API page: owners create a token (shown once), list and revoke it;
members who are not owners cannot."""

import re

from sqlalchemy import select

from models import ApiToken
from tests.api.conftest import bearer
from tests.factories import PASSWORD, make_membership, make_organisation, text


def owner_of(auth, db, email="responsable@example.org"):
    organisation = make_organisation(db, "Coopérative du Sillon")
    user = auth.create_user(email, PASSWORD)
    make_membership(db, user.id, organisation, role="owner")
    auth.login(email, PASSWORD)
    return organisation


def test_owner_creates_uses_and_revokes_a_token(client, auth, db):
    organisation = owner_of(auth, db)
    url = f"/organisations/{organisation.id}/api"
    assert "Aucun jeton" in text(client.get(url))
    created = client.post(f"{url}/jetons", data={"name": "Progiciel achats",
                                                 "scopes": ["read", "write"]})
    page = text(created)
    secret = re.search(r'value="(ess_[A-Za-z0-9_-]+)"', page).group(1)
    assert created.status_code == 200 and "il ne sera plus jamais affiché" in page
    assert created.headers["Cache-Control"] == "no-store"
    assert secret not in text(client.get(url))  # shown once
    token = db.scalar(select(ApiToken))
    assert (token.name, token.scope_list, token.created_by_id is not None) == (
        "Progiciel achats", ["read", "write"], True)
    assert client.get("/api/v1/me", headers=bearer(secret)).json["token"]["scopes"] == [
        "read", "write"]

    revoked = client.post(f"{url}/jetons/{token.id}/revoquer", follow_redirects=True)
    assert "Le jeton est révoqué" in text(revoked) and "Révoqué le" in text(revoked)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_token_form_errors_are_shown_in_french(client, auth, db):
    organisation = owner_of(auth, db)
    page = text(client.post(f"/organisations/{organisation.id}/api/jetons",
                            data={"name": "Outil"}))
    assert "Choisissez au moins une permission" in page and 'value="Outil"' in page
    assert db.scalar(select(ApiToken)) is None


def test_a_plain_member_cannot_manage_tokens(client, auth, db):
    organisation = make_organisation(db, "Coopérative du Sillon")
    member = auth.create_user("membre@example.org", PASSWORD)
    make_membership(db, member.id, organisation, role="member")
    auth.login("membre@example.org", PASSWORD)
    assert client.get(f"/organisations/{organisation.id}/api").status_code == 403
    assert client.post(f"/organisations/{organisation.id}/api/jetons",
                       data={"name": "x", "scopes": ["write"]}).status_code == 403


def test_an_owner_cannot_revoke_another_organisations_token(client, auth, db, issue):
    mine = owner_of(auth, db)
    other = make_organisation(db, "Autre")
    issue(other)
    token = db.scalar(select(ApiToken))
    response = client.post(f"/organisations/{mine.id}/api/jetons/{token.id}/revoquer")
    assert response.status_code == 403
    db.refresh(token)
    assert token.revoked_at is None
