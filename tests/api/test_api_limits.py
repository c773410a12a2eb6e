"""API rate limits: per token (a client keeps its quota behind a shared address), else per
address; the 429 is a JSON error with a French message."""

from tests.api.conftest import bearer
from tests.security.test_ratelimit import limited  # noqa: F401 (fixture: apps with limits on)


def test_heavy_endpoints_are_limited_per_address(limited):  # noqa: F811
    client = limited().test_client()
    codes = [client.get("/api/v1/cpv?text=ab").status_code for _ in range(31)]
    assert codes == [422] * 30 + [429]
    refused = client.get("/api/v1/cpv?text=ab")
    assert refused.json["code"] == "rate_limited" and "Trop de requêtes" in refused.json["message"]
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get("/api/v1/cpv?text=ab", environ_base=other).status_code == 422


def test_a_token_keeps_its_own_quota_behind_a_shared_address(limited, pair, issue):  # noqa: F811
    client = limited().test_client()
    assert [client.get("/api/v1/search").status_code for _ in range(31)][-1] == 429
    assert client.get("/api/v1/search", headers=bearer(issue(pair.a))).status_code == 422
