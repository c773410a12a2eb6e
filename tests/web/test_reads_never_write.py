"""Reading a page never writes: every GET route of the URL map, as a visitor and as a member,
sends no INSERT, UPDATE or DELETE to the database."""

import re

import pytest
from sqlalchemy import event

from tests.web.test_matching_flows import login

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _urls(app, ids: dict[str, int]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {name: ids.get(name, 1) if name not in ("token", "action") else "x"
                  for name in rule.arguments}
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


@pytest.fixture
def writes(app):
    from app.extensions import db

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if WRITE.match(statement):
            seen.append(statement.split("\n")[0])

    engine = db.bound(app).engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("who", ["visitor", "buyer"])
def test_no_get_route_writes(app, client, auth, territory, writes, who):  # noqa: F811
    orgs, tender = territory
    if who == "buyer":
        login(auth, "buyer")
    buyer = orgs["buyer"].id
    ids = {"id": buyer, "organisation_id": buyer, "posting_id": tender.id,
           "need_id": tender.id, "thread_id": 1, "notification_id": 1}
    writes.clear()
    for url in _urls(app, ids) + [f"/annonces/{tender.id}", f"/suggestions/besoin/{tender.id}"]:
        status = client.get(url).status_code
        assert status < 500, url
        assert writes == [], (url, writes)
    if who == "buyer":  # the probe does see writes: logging out ends the sessions (an UPDATE)
        client.post("/compte/deconnexion")
        assert any(statement.startswith("UPDATE") for statement in writes)
