"""One object of every kind the API serves, made for an organization, so a contract test can name a
real object in every path: what each path parameter means, and how to make n rows of each list."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from model_bakery import baker

from tests.e2e.test_schemathesis import SEED

CREATE = dict(SEED)  # the bodies the schemathesis run seeds with: valid creates of every resource


def _post(client, path: str, body: dict[str, Any]) -> int:
    answer = client.post(f"/api/v1{path}", body, format="json")
    assert answer.status_code in (201, 202), (path, answer.content)
    data = answer.json()["data"]
    found = next(v for v in data.values() if isinstance(v, dict) and "id" in v) if "id" not in data else data
    return found["id"]


def _numbered(body: dict[str, Any], n: int) -> dict[str, Any]:
    """The seed body made unique for the n-th copy (names, slugs, external ids)."""
    copy = dict(body)
    for key in ("name", "slug", "external_id"):
        if key in copy:
            copy[key] = f"{copy[key]}-{n}".lower() if key == "slug" else f"{copy[key]}-{n}"
    return copy


def make(kind: str, client, organization, n: int = 0) -> int:
    """Make the n-th object of ``kind`` (a collection path) through the API where it can be created,
    else as a row of the organization's; returns its id."""
    if kind in CREATE:
        return _post(client, kind, _numbered(CREATE[kind], n))
    if kind == "/jobs":
        task = make("/tasks", client, organization, 1000 + n)
        return _post(client, "/jobs", {"task": task})
    if kind == "/alerts":
        return baker.make(
            "alerts.Alert",
            organization=organization,
            severity="warning",
            status="active",
            metric="m",
            operator="gt",
            threshold_value=1,
            triggered_at=timezone.now(),
        ).pk
    if kind == "/incidents":
        monitor = make("/monitors", client, organization, 1000 + n)
        return baker.make(
            "monitors.Incident",
            organization=organization,
            monitor_id=monitor,
            source_type="monitor",
            status="open",
            started_at=timezone.now(),
        ).pk
    if kind == "/runners":
        return baker.make("jobs.Runner", organization=organization, name=f"runner-{n}").pk
    if kind == "/logs":  # lines have no id of their own: the n-th line of a batch of one
        line = {"level": "info", "message": f"line {n}", "timestamp": timezone.now().isoformat()}
        answer = client.post("/api/v1/logs", {"logs": [line]}, format="json")
        assert answer.status_code == 200, answer.content
        return n
    if kind == "/api-keys":
        return _post(client, "/api-keys", {"name": f"key-{n}", "scope": "read"})
    raise KeyError(kind)


PARAMETER = re.compile(r"\{([^}]+)\}")


def collection_of(path: str) -> str:
    """``/api/v1/monitors/{id}/pause`` -> ``/monitors``; ``/runners/enrollment-tokens/{id}`` keeps both."""
    head = path.removeprefix("/api/v1").split("/{", 1)[0]
    return head


def fill(path: str, values: dict[str, Any]) -> str:
    return PARAMETER.sub(lambda m: str(values[m.group(1)]), path)


Maker = Callable[[str, Any, Any, int], int]
