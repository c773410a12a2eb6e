"""The bounded load test (scripts/bench_load.py) against a live server started here: about
ten seconds of home, directory and search pages from concurrent clients, and no error."""

import threading

import pytest
from werkzeug.serving import make_server

from scripts import bench_load as bench
from tests.factories import make_directory, make_membership, make_organisation, make_posting


@pytest.fixture
def live_server(app, db):
    make_directory(db)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_bounded_load_has_no_errors(live_server):
    summary = bench.run(live_server, requests=5000, concurrency=4, max_seconds=10).summary()
    print(bench.report(summary))
    assert summary["errors"] == 0
    assert summary["requests"] >= 30 and summary["wall_s"] < 25
    assert all(page["requests"] > 0 for page in summary["pages"].values())
    assert 0 < summary["client_cpu_share"] < 4


def test_logged_in_load_reaches_a_need_suggestions(live_server, auth, db):
    user = auth.create_user("bench@example.org")
    buyer = make_organisation(db, "Mairie d'essai", kind="public_buyer")
    make_membership(db, user.id, buyer)
    need = make_posting(db, buyer, "Collecte de mobilier", filieres=["reemploi"])
    summary = bench.run(live_server, requests=40, concurrency=2, max_seconds=10,
                        login=("bench@example.org", "motdepasse-solide"),
                        need_id=need.id).summary()
    assert summary["errors"] == 0
    assert summary["pages"]["suggestions"]["requests"] > 0


def test_a_page_that_redirects_to_the_login_form_is_an_error(live_server, db):
    need = make_posting(db, make_organisation(db, "Mairie d'essai", kind="public_buyer"))
    summary = bench.run(live_server, requests=8, concurrency=1, max_seconds=5,
                        need_id=need.id).summary()
    assert summary["errors"] == 1  # the 8th, the suggestions: an anonymous visitor logs in first


def test_a_refused_login_stops_before_the_load(live_server, auth):
    auth.create_user("bench@example.org")
    with pytest.raises(RuntimeError, match="login refused"):
        bench.run(live_server, requests=10, concurrency=1, max_seconds=5,
                  login=("bench@example.org", "pas-le-bon"))
