"""Shared fixtures: one migrated database per run (SQLite file, or TEST_DATABASE_URL),
emptied of non-reference rows after each test."""

import os
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from models.reference_data import empty_user_tables, load_reference_data
from models.session import make_engine, make_session_factory

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def migrate(engine) -> None:
    """Start from an empty schema (whatever an earlier run left) and apply every migration."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    config = Config(str(ROOT / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with make_session_factory(engine)() as session:
        load_reference_data(session)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine, request):
    yield make_session_factory(engine)
    empty_user_tables(engine)
    if "app" in request.fixturenames:  # the emptied change log restarts: rebuild the index
        request.getfixturevalue("app").extensions["essaim.index"].reset()


@pytest.fixture
def db(session_factory):
    """A session on the test database; every non-reference row is deleted afterwards."""
    with session_factory() as session:
        yield session


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared benchmark and data are not on this machine")
    return SHARED


@pytest.fixture(scope="session")
def app(engine, database_url, tmp_path_factory):
    from app import create_app

    return create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
        # Jobs run in the request's thread once it ends; each request sees every change.
        "JOBS_EAGER": True,
        "JOBS_DB": str(tmp_path_factory.mktemp("jobs") / "jobs.db"),
        "INDEX_CHECK_INTERVAL": 0,
        "RANKER_FILE": str(tmp_path_factory.mktemp("ranker") / "ranker.json"),  # shipped one
    })


@pytest.fixture
def run_jobs(app):
    """Run the outbox events left by sessions outside the app (factories, plain sessions)."""
    return app.extensions["essaim.jobs"].drain


@pytest.fixture
def client(app, session_factory):
    """A test client; the non-reference rows it creates are deleted after the test."""
    return app.test_client()


class AuthActions:
    """Create users and log them in through the real login form."""

    def __init__(self, client, session_factory):
        self.client = client
        self.session_factory = session_factory

    def create_user(self, email: str = "test@example.org", password: str = "motdepasse-solide",
                    **kwargs):
        from app.services.accounts import register_user

        with self.session_factory() as session:
            user = register_user(session, email, password, **kwargs)
            session.commit()
            return user

    def login(self, email: str = "test@example.org", password: str = "motdepasse-solide"):
        return self.client.post("/compte/connexion", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/compte/deconnexion")


@pytest.fixture
def auth(client, session_factory) -> AuthActions:
    return AuthActions(client, session_factory)
