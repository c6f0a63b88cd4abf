"""The API checklist across the alerts endpoints: no token is 401, a viewer or read key writing is 403."""

import pytest

from tests.conftest import assert_error

READS = [
    "/api/v1/channels/types",
    "/api/v1/channels",
    "/api/v1/webhooks",
    "/api/v1/alert-rules",
    "/api/v1/alerts",
    "/api/v1/maintenance-windows",
    "/api/v1/metrics/catalog",
]
WRITES = [
    ("post", "/api/v1/channels", {"name": "x", "type": "email", "config": {"to": "a@b.co"}}),
    ("post", "/api/v1/webhooks", {"url": "https://x.example", "events": ["*"]}),
    (
        "post",
        "/api/v1/alert-rules",
        {"name": "x", "condition": {"metric": "m", "operator": "gt", "threshold": 1}},
    ),
    ("put", "/api/v1/alerts/rules", {"rules": []}),
    ("post", "/api/v1/maintenance-windows", {"name": "x", "cron": "0 3 * * *", "duration_minutes": 5}),
    ("post", "/api/v1/metrics", {"points": [{"name": "x", "value": 1}]}),
]


@pytest.mark.parametrize("path", READS)
def test_reads_need_a_token(anon_client, path):
    assert_error(anon_client.get(path), 401, "authentication_failed")


@pytest.mark.parametrize("path", READS)
def test_viewers_read(viewer_client, read_key_client, path):
    assert viewer_client.get(path).status_code == 200
    assert read_key_client.get(path).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_viewers_and_read_keys_cannot_write(viewer_client, read_key_client, anon_client, method, path, body):
    for client in (viewer_client, read_key_client):
        assert_error(getattr(client, method)(path, body, format="json"), 403, "insufficient_permissions")
    assert_error(getattr(anon_client, method)(path, body, format="json"), 401, "authentication_failed")
