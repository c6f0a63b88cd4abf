"""One contract for every operation of the OpenAPI schema (in the spirit of NetBox's API test cases):
no token is a 401, another organization's object a 404, a viewer's or a read key's write a 403, a body
field the operation does not take a 400 with the envelope, and each list costs the same number of
queries at 1 row and at 30. The operations come from the schema itself, so a new endpoint is covered the
day it is added; the few that answer otherwise are named below with the reason."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from model_bakery import baker

from tests.conftest import assert_error, client_for
from tests.contract.resources import collection_of, fill, make

# Operations authenticated by a credential of their own (an agent's ingest token, a runner's token, a
# host's push token, a task's secret key, an enrollment token, a password) or by none (a public page):
# the user-and-key rules below do not apply to them; each has its own tests.
OWN_CREDENTIAL = re.compile(
    r"/agents/\{id\}/(events|heartbeat|logs|commands)|/runners/\{id\}/(claim|checks|heartbeat|jobs)"
    r"|/runners/register$|/jobs/secret/|/monitors/\{id\}/stats$|/public/|/auth/(login|refresh)$"
)
PUBLIC = {"GET /api/v1/health", "GET /api/v1/config"}  # what a client needs before it has a token
# Writes a viewer or read key may make: their own session, their own invitations, a read sent as POST.
VIEWER_WRITES = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/metrics/export",
    "POST /api/v1/organizations",  # a person creates an organization and owns it (a key cannot: 403)
}
INVITEE = re.compile(r"/invitations/\{invitation_id\}/")  # answered by the invited user only
# Reads limited to admins (who holds which key, who was invited), or to people (your own invitations).
ADMIN_READS = {
    "GET /api/v1/invitations",
    "GET /api/v1/api-keys",
    "GET /api/v1/api-keys/{id}",
    "GET /api/v1/organizations/{organization_pk}/invitations",
}
NOT_AN_OBJECT = {"GET /api/v1/queues/{name}/jobs"}  # a queue is a name; the list is the caller's own jobs
METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method, path) for path, item in schema["paths"].items() for method in item if method in METHODS]


OPERATIONS = _operations()


def _id(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _call(client, method: str, url: str, body=None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body if body is not None else {}, format="json")


@pytest.fixture
def objects(acme, owner, owner_client):
    """Path parameter values naming acme's own objects, made on first use."""
    made: dict[str, int] = {}

    def values(path: str) -> dict[str, object]:
        found: dict[str, object] = {
            "organization_pk": acme.pk,
            "user_id": owner.pk,
            "trace_id": "0" * 32,
            "name": "default",
        }
        if "{id}" in path:
            kind = collection_of(path)
            if kind == "/organizations":
                found["id"] = acme.pk
            elif kind.endswith("/invitations") or "invitations/{id}" in path:
                found["id"] = baker.make(
                    "accounts.Invitation", organization=acme, username="zed", role="viewer", invited_by=owner
                ).pk
            else:
                if kind not in made:
                    made[kind] = make(kind, owner_client, acme)
                found["id"] = made[kind]
        return found

    return values


AUTHENTICATED = [(m, p) for m, p in OPERATIONS if not OWN_CREDENTIAL.search(p) and _id(m, p) not in PUBLIC]


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED, ids=[_id(m, p) for m, p in AUTHENTICATED])
def test_no_token_is_401(anon_client, acme, method, path):
    url = re.sub(r"\{[^}]+\}", "1", path.replace("{organization_pk}", str(acme.pk)))
    assert_error(_call(anon_client, method, url), 401, "authentication_failed")


TENANT_OBJECTS = [
    (m, p)
    for m, p in AUTHENTICATED
    if "{" in p and not INVITEE.search(p) and _id(m, p) not in NOT_AN_OBJECT and "{trace_id}" not in p
]


@pytest.mark.parametrize(("method", "path"), TENANT_OBJECTS, ids=[_id(m, p) for m, p in TENANT_OBJECTS])
def test_another_organizations_object_is_404(outsider_client, objects, method, path):
    answer = _call(outsider_client, method, fill(path, objects(path)))
    assert answer.status_code == 404, answer.content
    assert answer.json()["status"] == "error" and answer.json()["error"]["code"].endswith("not_found")


WRITES = [
    (m, p)
    for m, p in AUTHENTICATED
    if m != "get" and _id(m, p) not in VIEWER_WRITES and not INVITEE.search(p)
]


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[_id(m, p) for m, p in WRITES])
def test_viewers_and_read_keys_cannot_write(viewer_client, read_key_client, objects, method, path):
    url = fill(path, objects(path))
    for client in (viewer_client, read_key_client):
        assert_error(_call(client, method, url), 403, "insufficient_permissions")


READS = [(m, p) for m, p in AUTHENTICATED if m == "get" and _id(m, p) not in ADMIN_READS]


@pytest.mark.parametrize(("method", "path"), READS, ids=[_id(m, p) for m, p in READS])
def test_viewers_and_read_keys_read(viewer_client, read_key_client, objects, method, path):
    url = fill(path, objects(path))
    for client in (viewer_client, read_key_client):
        answer = client.get(url)
        # 400: a read that needs a parameter (GET /metrics names its metric); 404: the trace id is made up
        assert answer.status_code in (200, 400, 404), (url, answer.content)
        assert answer.status_code != 404 or "{trace_id}" in path, (url, answer.content)


BODIES = [
    (m, p)
    for m, p in AUTHENTICATED
    if m in ("post", "put", "patch") and not INVITEE.search(p) and _id(m, p) != "POST /api/v1/auth/logout"
]


@pytest.mark.parametrize(("method", "path"), BODIES, ids=[_id(m, p) for m, p in BODIES])
def test_a_field_the_operation_does_not_take_is_400(owner_client, objects, method, path):
    answer = _call(owner_client, method, fill(path, objects(path)), {"no_such_field": 1})
    error = assert_error(answer, 400, "validation_error")
    named = set(error["details"]) | {m for messages in error["details"].values() for m in messages}
    assert any("no_such_field" in text for text in named), error  # the field, or a message naming it


# Each list at 1 row and at 30: the query count may not grow with the rows (no query per row).
LISTS = [
    "/monitors",
    "/heartbeats",
    "/channels",
    "/alert-rules",
    "/alerts",
    "/incidents",
    "/status-pages",
    "/tasks",
    "/jobs",
    "/agents",
    "/projects",
    "/webhooks",
    "/maintenance-windows",
    "/runners",
    "/runners/enrollment-tokens",
    "/api-keys",
    "/logs",
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return len(captured)


@pytest.mark.parametrize("kind", LISTS)
def test_a_list_costs_the_same_queries_at_1_and_30_rows(owner, acme, kind):
    client = client_for(owner)
    make(kind, client, acme, 0)
    one = _queries(client, f"/api/v1{kind}")
    for n in range(1, 30):
        make(kind, client, acme, n)
    thirty = _queries(client, f"/api/v1{kind}")
    assert thirty <= one, (kind, one, thirty)


def test_every_operation_is_in_a_contract():
    """Each operation is checked by at least the 401 rule or is named as having its own credential."""
    named = {_id(m, p) for m, p in OPERATIONS if OWN_CREDENTIAL.search(p) or _id(m, p) in PUBLIC}
    assert len(OPERATIONS) > 150 and len(AUTHENTICATED) + len(named) == len(OPERATIONS)
    assert {kind for kind in LISTS} <= {collection_of(p) for _, p in OPERATIONS}
