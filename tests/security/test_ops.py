"""Operations (issue #13, item 9): /healthz, one JSON log line per request with its id, and a
SQLite backup / restore round trip through the `flask` commands."""

import json
import logging

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from models import Organisation
from tests.factories import new_siret


@pytest.fixture
def other_app():
    """Build apps on other databases (each app keeps its own)."""

    def build(tmp_path, url: str):
        return create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url,
                           "RATELIMIT_ENABLED": False})  # the limiter is shared by all apps

    return build


def test_healthz_reports_database_and_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.is_json
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert set(response.json["index"]) == {"suppliers", "postings"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_asks_the_index_holder_when_one_is_wired(app, client, monkeypatch):
    class Holder:
        def status(self):
            return {"profiles": 12, "ready": True}

    monkeypatch.setitem(app.extensions, "essaim.index", Holder())
    assert client.get("/healthz").json["index"] == {"profiles": 12, "ready": True}


def test_healthz_is_503_when_the_database_is_down(other_app, tmp_path):
    broken = other_app(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:1/absent")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error" and response.json["status"] == "error"


@pytest.fixture
def request_log():
    records: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(json.loads(record.getMessage()))

    handler = Collect()
    logging.getLogger("essaim.request").addHandler(handler)
    yield records
    logging.getLogger("essaim.request").removeHandler(handler)


def test_each_request_logs_one_json_line_with_its_id(client, request_log):
    response = client.get("/annonces/?page=2", headers={"X-Request-ID": "lb-7f3a.1"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.1"
    client.get("/page-inconnue")
    first, second = request_log[-2:]
    assert first["request_id"] == "lb-7f3a.1"
    assert (first["method"], first["path"], first["status"]) == ("GET", "/annonces/", 200)
    assert first["duration_ms"] >= 0
    assert second["status"] == 404 and len(second["request_id"]) == 32


def test_an_unsafe_request_id_is_replaced(client, request_log):
    response = client.get("/", headers={"X-Request-ID": "x" * 65})
    assert response.headers["X-Request-ID"] != "x" * 65
    assert request_log[-1]["request_id"] == response.headers["X-Request-ID"]


@pytest.fixture
def sqlite_app(other_app, tmp_path):
    """An app of its own on a fresh SQLite file, initialised by `flask init-db`."""
    app = other_app(tmp_path, f"sqlite:///{tmp_path / 'essaim.db'}")
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    return app


def organisation_names(app) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(select(Organisation.name)))
        return names


def add_organisation(app, name: str) -> None:
    with app.app_context():
        db.session.add(Organisation(name=name, siret=new_siret(), kind="ess",
                                    commune_insee="44109"))
        db.session.commit()


def test_backup_and_restore_round_trip(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    add_organisation(sqlite_app, "Avant la sauvegarde")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    backups = list((tmp_path / "backups").glob("essaim-*.sqlite3"))
    assert len(backups) == 1 and str(backups[0]) in result.output

    add_organisation(sqlite_app, "Après la sauvegarde")
    assert organisation_names(sqlite_app) == {"Avant la sauvegarde", "Après la sauvegarde"}
    result = runner.invoke(args=["restore", str(backups[0]), "--yes"])
    assert result.exit_code == 0, result.output
    assert organisation_names(sqlite_app) == {"Avant la sauvegarde"}
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_app, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "pas une" in result.output
    assert organisation_names(sqlite_app) == set()


def test_backup_prints_the_pg_dump_command_for_postgresql(other_app, tmp_path):
    app = other_app(tmp_path, "postgresql+psycopg://essaim:secret@db.local:5432/essaim")
    output = app.test_cli_runner().invoke(args=["backup"]).output
    assert output.startswith("pg_dump --format=custom")
    assert "postgresql://essaim:***@db.local:5432/essaim" in output and "secret" not in output
