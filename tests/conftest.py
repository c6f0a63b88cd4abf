"""Shared fixtures: real Redis (embedded or REDIS_URL), users in roles, and API clients for each.

Alice owns Acme; Bob is a member there, Carol a viewer and Dave an admin; Mallory owns Umbrella, another
organization, and must never see Acme's objects.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from monitoring_site.accounts import services
from monitoring_site.accounts.choices import ApiKeyScope, Role
from monitoring_site.accounts.models import Membership, Organization
from monitoring_site.accounts.tokens import token_pair_for
from monitoring_site.actors import Actor
from monitoring_site.embedded_redis import EmbeddedRedis, answers
from monitoring_site.redis_client import get_redis
from tests import leftovers

PASSWORD = "correct-horse-battery"


def pytest_sessionstart(session):
    leftovers.become_subreaper()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when a process it started is still alive (after killing it)."""
    left = leftovers.live_children()
    leftovers.kill_and_reap(list(left))
    if left:
        shown = "\n".join(f"  {pid}: {cmdline}" for pid, cmdline in sorted(left.items()))
        session.config.get_terminal_writer().line(
            f"\nProcesses started by the test run were still running at its end (now killed):\n{shown}",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """Without REDIS_URL the suite starts the embedded Redis itself, exactly as ``up`` does."""
    server = None
    if settings.REDIS_EMBEDDED and not answers(settings.REDIS_SOCKET):
        server = EmbeddedRedis(settings.REDIS_SOCKET, settings.VAR_DIR / "redis")
        server.start()
    yield
    if server is not None:
        server.stop()


@pytest.fixture(autouse=True)
def clean_redis(redis_server):
    """Each test starts with an empty Redis database (rate-limit counters, denylist, heartbeats)."""
    get_redis().flushdb()
    yield


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com", **extra
    )


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(name="Acme", slug="acme")


@pytest.fixture
def umbrella(db) -> Organization:
    return Organization.objects.create(name="Umbrella", slug="umbrella")


def _member(username: str, organization: Organization, role: str):
    user = make_user(username)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def owner(acme):
    return _member("alice", acme, Role.OWNER)


@pytest.fixture
def admin_user(acme):
    return _member("dave", acme, Role.ADMIN)


@pytest.fixture
def teammate(acme):
    return _member("bob", acme, Role.MEMBER)


@pytest.fixture
def viewer(acme):
    return _member("carol", acme, Role.VIEWER)


@pytest.fixture
def outsider(umbrella):
    return _member("mallory", umbrella, Role.OWNER)


def client_for(user=None, token: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = token_pair_for(user)["token"]
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def owner_client(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return client_for(admin_user)


@pytest.fixture
def member_client(teammate) -> APIClient:
    return client_for(teammate)


@pytest.fixture
def viewer_client(viewer) -> APIClient:
    return client_for(viewer)


@pytest.fixture
def outsider_client(outsider) -> APIClient:
    return client_for(outsider)


@pytest.fixture
def read_key(acme, owner):
    return services.api_key_create(
        organization=acme, name="grafana", scope=ApiKeyScope.READ, by=Actor("alice", owner)
    )


@pytest.fixture
def write_key(acme, owner):
    return services.api_key_create(
        organization=acme, name="terraform", scope=ApiKeyScope.WRITE, by=Actor("alice", owner)
    )


@pytest.fixture
def read_key_client(read_key) -> APIClient:
    return client_for(token=read_key[1])


@pytest.fixture
def write_key_client(write_key) -> APIClient:
    return client_for(token=write_key[1])


@pytest.fixture
def fresh_channel_layer():
    """A channel layer per test (each async test has its own event loop): ``usefixtures`` it in
    WebSocket tests."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def owner_token(owner):
    return token_pair_for(owner)["token"]


@pytest.fixture
def outsider_token(outsider):
    return token_pair_for(outsider)["token"]


def assert_error(response, status: int, code: str) -> dict:
    """The response is the error envelope with this status and code; returns ``error``."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["error"]["code"] == code, body
    assert "timestamp" in body["meta"]
    return body["error"]


def data_of(response, status: int = 200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "success"
    assert "timestamp" in body["meta"]
    return body["data"]


@pytest.fixture
def receiver():
    from tests.receiver import Receiver

    with Receiver() as running:
        yield running


def due_at(obj, when):
    """``obj`` (a rule or a monitor) with its next check due at ``when``: the services schedule the first
    check themselves, and a test that drives time by hand moves it."""
    type(obj).objects.filter(pk=obj.pk).update(next_check_at=when)
    obj.refresh_from_db()
    return obj
