"""No input gives a 5xx: each root cause the audit found (a body too large, JSON nested too deep, integers
past 64 bits, a non-integer id in a path, an empty PATCH, a body of the wrong type, dates out of range)
answers 4xx with the error envelope."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from tests.conftest import data_of

BIG = 2**63
DEEP = "[" * 1000 + "]" * 1000


def envelope_error(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert body["status"] == "error" and body["error"]["code"], body
    return body["error"]


def test_a_body_over_the_limit_is_413(owner_client):
    body = json.dumps({"name": "x" * (3 * 1024 * 1024), "type": "website", "target": "https://a.example"})
    error = envelope_error(owner_client.post("/api/v1/monitors", body, content_type="application/json"), 413)
    assert error["code"] == "payload_too_large"


def test_ingest_endpoints_take_their_documented_batch_sizes(owner_client, acme):
    """5,000 log lines of 1 kB each (over Django's 2.5 MB default) are accepted."""
    stamp = datetime.now(UTC).isoformat()
    lines = [{"timestamp": stamp, "level": "info", "message": "m" * 1000} for _ in range(5000)]
    answer = owner_client.post("/api/v1/logs", {"logs": lines}, format="json")
    assert answer.status_code in (200, 201), answer.content[:300]
    assert answer.json()["data"]["accepted"] == 5000
    with override_settings(INGEST_MAX_BODY_BYTES=1024 * 1024):
        too_big = owner_client.post("/api/v1/logs", {"logs": lines}, format="json")
    assert envelope_error(too_big, 413)["code"] == "payload_too_large"


def test_json_nested_too_deep_is_a_400(owner_client):
    envelope_error(owner_client.post("/api/v1/monitors", DEEP, content_type="application/json"), 400)
    nested = '{"a":' * 1000 + "1" + "}" * 1000
    envelope_error(owner_client.post("/api/v1/monitors", nested, content_type="application/json"), 400)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/monitors/{BIG}", None),
        ("get", f"/api/v1/monitors/{BIG * 2**64}", None),
        ("get", f"/api/v1/jobs?task_id={BIG}", None),
        ("get", f"/api/v1/incidents?monitor_id={BIG}", None),
        ("get", f"/api/v1/alerts/{BIG}", None),
        ("delete", f"/api/v1/monitors/{BIG}", None),
        (
            "post",
            "/api/v1/monitors",
            {"name": "x", "type": "website", "target": "https://a.example", "check_interval": BIG},
        ),
        ("post", "/api/v1/heartbeats", {"name": "x", "run_interval": BIG}),
        ("post", "/api/v1/tasks", {"name": "x", "timeout": BIG}),
        ("post", "/api/v1/jobs", {"task": BIG}),
    ],
)
def test_integers_past_64_bits_are_a_4xx(owner_client, method, path, body):
    response = (
        getattr(owner_client, method)(path, body, format="json")
        if body
        else getattr(owner_client, method)(path)
    )
    envelope_error(response, (400, 404))


@pytest.mark.parametrize("query", [{"page": BIG}, {"page_size": BIG}, {"page": -BIG}])
def test_huge_page_numbers_are_no_server_error(owner_client, query):
    assert owner_client.get("/api/v1/monitors", query).status_code < 500


def test_a_non_integer_organization_id_in_a_path_is_a_404(owner_client):
    for path in (
        "/api/v1/organizations/abc",
        "/api/v1/organizations/abc/members",
        "/api/v1/organizations/1.5",
    ):
        envelope_error(owner_client.get(path), 404)


def test_an_empty_patch_of_an_organization_changes_nothing(owner_client, acme):
    response = owner_client.patch(f"/api/v1/organizations/{acme.pk}", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["organization"]["name"] == "Acme"


@pytest.mark.parametrize("body", ["[]", '"text"', "3", "null", "[1, 2]"])
def test_a_body_that_is_not_an_object_is_a_400(owner_client, body):
    for path in ("/api/v1/metrics", "/api/v1/monitors", "/api/v1/logs", "/api/v1/metrics/export"):
        envelope_error(owner_client.post(path, body, content_type="application/json"), 400)


@pytest.mark.parametrize(
    "value", ["99999-01-01", "0000-01-01", "2026-13-45", "10000-01-01T00:00:00Z", "1e309"]
)
def test_dates_out_of_range_are_a_400(owner_client, value):
    for path in ("/api/v1/monitors", "/api/v1/incidents", "/api/v1/alerts", "/api/v1/jobs"):
        for name in ("created_before", "created_after", "created_from", "created_to"):
            response = owner_client.get(path, {name: value})
            assert response.status_code < 500, (path, name, response.content[:200])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/monitors",
            {"name": "x", "type": "website", "target": "https://a.example", "check_interval": 2**62},
            "check_interval",
        ),
        (
            "/api/v1/monitors",
            {"name": "x", "type": "website", "target": "https://a.example", "retry_interval": 2**40},
            "retry_interval",
        ),
        ("/api/v1/heartbeats", {"name": "x", "run_interval": 2**40}, "run_interval"),
        ("/api/v1/tasks", {"name": "x", "schedule": {"type": "interval", "seconds": 2**40}}, "schedule"),
    ],
)
def test_intervals_that_would_overflow_the_scheduler_are_refused(owner_client, path, body, field):
    """Found by schemathesis: one monitor with a 2**62 s interval crashed every dispatch of every monitor."""
    error = envelope_error(owner_client.post(path, body, format="json"), 400)
    assert field in error["details"], error


@pytest.mark.parametrize(
    "timestamp", ["2024-01-01T12:99:00Z", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z"]
)
def test_well_formed_but_impossible_timestamps_are_a_400(owner_client, acme, timestamp):
    point = {"name": "queue.depth", "value": 1, "timestamp": timestamp}
    envelope_error(owner_client.post("/api/v1/metrics", {"points": [point]}, format="json"), 400)
    line = {"level": "info", "message": "x", "timestamp": timestamp}
    assert owner_client.post("/api/v1/logs", {"logs": [line]}, format="json").status_code < 500


@pytest.mark.parametrize(
    ("path", "query", "unknown"),
    [
        ("/api/v1/jobs", {"task": 3}, "task"),  # the filter is task_id
        ("/api/v1/monitors", {"page_size": 5}, "page_size"),  # the page size is per_page
        ("/api/v1/monitors", {"sort_by": "name"}, "sort_by"),  # sorting is sort
        ("/api/v1/alerts", {"severity": "critical", "colour": "red"}, "colour"),
    ],
)
def test_an_unknown_list_parameter_is_a_400_naming_it(owner_client, path, query, unknown):
    """A typo must not return a wrong list: an ignored filter looks like a filter that matched."""
    error = envelope_error(owner_client.get(path, query), 400)
    assert error["code"] == "validation_error" and list(error["details"]) == [unknown], error


def test_an_unknown_body_field_is_a_400_naming_it(owner_client, acme):
    body = {"name": "x", "type": "website", "target": "https://a.example", "interval": 300}
    error = envelope_error(owner_client.post("/api/v1/monitors", body, format="json"), 400)
    assert list(error["details"]) == ["interval"]
    created = owner_client.post("/api/v1/monitors", {**body, "interval": None}, format="json")
    assert created.status_code == 400  # still unknown, whatever its value
    good = {k: v for k, v in body.items() if k != "interval"}
    monitor = owner_client.post("/api/v1/monitors", good, format="json").json()["data"]["monitor"]
    # a representation sent back (read-only fields included) is not refused for its known fields
    echoed = owner_client.put(
        f"/api/v1/monitors/{monitor['id']}", {**monitor, "name": "renamed"}, format="json"
    )
    assert echoed.status_code == 200, echoed.content[:300]
    typo = owner_client.patch(f"/api/v1/monitors/{monitor['id']}", {"chek_interval": 60}, format="json")
    assert list(envelope_error(typo, 400)["details"]) == ["chek_interval"]


def test_options_on_a_collection_action_describes_it(owner_client):
    """DRF's OPTIONS looked an object up for PUT /monitors/bulk (no id there): a 500 found by schemathesis."""
    answer = owner_client.options("/api/v1/monitors/bulk")
    assert answer.status_code == 200 and "PUT" in data_of(answer)["actions"]


def test_a_patch_naming_nothing_changes_nothing(owner_client, owner, acme):
    """A member PATCH with an empty body was a KeyError (500); it is a no-op like every other PATCH."""
    answer = owner_client.patch(f"/api/v1/organizations/{acme.pk}/members/{owner.pk}", {}, format="json")
    assert data_of(answer)["member"]["role"] == "owner"
