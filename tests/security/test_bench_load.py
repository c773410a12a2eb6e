"""The bounded load test (scripts/bench_load.py) against a live server started here: about
ten seconds of home, directory and search pages from concurrent clients, and no error."""

import threading

import pytest
from werkzeug.serving import make_server

from scripts import bench_load as bench
from tests.factories import make_directory


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
