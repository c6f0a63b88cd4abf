"""A backing service that does not answer makes a request 503 with the envelope and Retry-After, never 500:
here Redis, which holds the JWT revocation list, is pointed at a port nobody listens on."""

import pytest
from rest_framework.test import APIClient

from monitoring_site.redis_client import get_redis
from tests.conftest import assert_error
from tests.e2e.platform import free_port


@pytest.fixture
def redis_away(settings):
    """The platform's Redis client pointed at a port nobody listens on (the client is one per process)."""
    get_redis.cache_clear()
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    yield
    get_redis.cache_clear()


def test_a_jwt_while_redis_is_away_is_503_and_an_api_key_goes_on(
    owner_token, write_key_client, anon_client, request
):
    jwt_client = APIClient(HTTP_AUTHORIZATION=f"Bearer {owner_token}")
    assert jwt_client.get("/api/v1/monitors").status_code == 200
    request.getfixturevalue("redis_away")
    answer = jwt_client.get("/api/v1/monitors")
    assert_error(answer, 503, "service_unavailable")
    assert answer["Retry-After"] == "5"
    assert write_key_client.get("/api/v1/monitors").status_code == 200
    health = jwt_client.get("/api/v1/health")  # the probe still answers, as to a caller without a token
    assert health.status_code == 503 and health.json()["data"]["components"]["redis"]["status"] == "error"
    assert anon_client.get("/api/v1/monitors").status_code == 401
