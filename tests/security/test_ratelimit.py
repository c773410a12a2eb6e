"""Rate limits shared by every process (Redis), keyed on the real client address behind one
trusted proxy only, on login, search (per address) and messaging (per user)."""

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from app import create_app
from app.extensions import limiter
from tests.conftest import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
LOGIN = {"email": "personne@example.org", "password": "mauvais-mot-de-passe"}
PASSWORD = "motdepasse-solide"


@pytest.fixture
def limited(app):
    """Build apps with limits on (fresh in-memory counters); the shared limiter is given back
    as it was (the test app runs without limits)."""
    was_enabled = limiter.enabled

    def build(**config):
        return create_app({**app.config, "RATELIMIT_ENABLED": True,
                           "RATELIMIT_STORAGE_URI": "memory://", **config})

    yield build
    limiter.enabled = was_enabled


def statuses(client, count: int, url: str = "/compte/connexion", **kwargs) -> list[int]:
    return [client.post(url, data=LOGIN, **kwargs).status_code for _ in range(count)]


WORKER = """
import sys
from app import create_app
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                  "DATABASE_URL": sys.argv[1], "RATELIMIT_STORAGE_URI": sys.argv[2],
                  "RATELIMIT_KEY_PREFIX": sys.argv[3]})
client = app.test_client()
data = {"email": "personne@example.org", "password": "mauvais-mot-de-passe"}
print(" ".join(str(client.post("/compte/connexion", data=data).status_code) for _ in range(10)))
"""


def test_login_limit_is_shared_by_two_processes_through_redis(engine, database_url):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"

    def worker(_):
        done = subprocess.run([sys.executable, "-c", WORKER, database_url, REDIS_URL, prefix],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = [code for run in pool.map(worker, range(2)) for code in run]
    assert sorted(codes) == ["200"] * 10 + ["429"] * 10  # 10/min over both processes


def test_forwarded_for_is_ignored_without_a_trusted_proxy(limited):
    client = limited(PROXY_FIX_X_FOR=0).test_client()
    codes = [client.post("/compte/connexion", data=LOGIN,
                         headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
             for n in range(11)]
    assert codes == [200] * 10 + [429]


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(limited):
    client = limited(PROXY_FIX_X_FOR=1).test_client()
    first = {"X-Forwarded-For": "203.0.113.1"}
    assert statuses(client, 11, headers=first) == [200] * 10 + [429]
    assert statuses(client, 1, headers={"X-Forwarded-For": "203.0.113.2"}) == [200]


def test_search_is_limited_per_address(limited):
    client = limited().test_client()
    codes = [client.get("/recherche/?q=menuiserie").status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get("/recherche/?q=menuiserie", environ_base=other).status_code == 200


def test_messaging_is_limited_per_user_whatever_the_address(limited, auth):
    app = limited()
    for email in ("a@example.org", "b@example.org"):
        auth.create_user(email, PASSWORD)
    first, second = app.test_client(), app.test_client()
    first.post("/compte/connexion", data={"email": "a@example.org", "password": PASSWORD})
    second.post("/compte/connexion", data={"email": "b@example.org", "password": PASSWORD})
    url = "/messages/nouveau?organisation_id=999999"
    codes = [first.post(url, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
             for n in range(21)]
    assert codes == [404] * 20 + [429]
    assert second.post(url).status_code == 404  # same address, another user
