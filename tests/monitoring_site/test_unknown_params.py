"""Every endpoint refuses query parameters it does not read: a typo is a 400 naming it, never the default
answered as if it were right. Lists, detail actions, statistics and the plain views alike."""

from __future__ import annotations

import pytest

from monitors.inputs import NewMonitor
from monitors.services.monitors import monitor_create
from tests.conftest import assert_error, data_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(acme):
    return monitor_create(
        organization=acme, new=NewMonitor(name="m", type="website", target="https://example.com")
    ).obj


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/jobs/dashboard/overview?rnage=Week",
        "/api/v1/jobs/statistics/task-types?range=All&sort_by=name",
        "/api/v1/agents/dashboard?periode=1h",
        "/api/v1/monitors/{pk}?expand=results",
        "/api/v1/monitors/{pk}/uptime?perod=7d",
        "/api/v1/monitors/{pk}/logs?start=2024-01-01",
        "/api/v1/metrics?metric=p95_latency_ms&window=1h",
        "/api/v1/metrics/catalog?source=agents",
        "/api/v1/logs?lvl=error",
        "/api/v1/model-prices?model=x",
        "/api/v1/config/export?secrets=1",
        "/api/v1/health?verbose=1",
        "/api/v1/auth/me?x=1",
    ],
)
def test_a_typo_in_a_parameter_is_named(member_client, monitor, url):
    body = assert_error(member_client.get(url.format(pk=monitor.pk)), 400, "validation_error")
    assert url.split("?")[1].split("&")[-1].split("=")[0] in body["details"]


def test_the_parameters_an_endpoint_reads_still_work(member_client, monitor):
    assert (
        data_of(member_client.get("/api/v1/jobs/dashboard/overview?range=Week"))["overview"]["range"]
        == "Week"
    )
    assert (
        data_of(member_client.get(f"/api/v1/monitors/{monitor.pk}/uptime?period=7d"))["uptime"]["period"]
        == "7d"
    )
    assert (
        member_client.get(f"/api/v1/monitors/{monitor.pk}/logs?start_date=2024-01-01&page=1").status_code
        == 200
    )
    assert member_client.get("/api/v1/logs?level=error&limit=5&format=csv").status_code == 200
    assert member_client.get("/api/v1/metrics?metric=p95_latency_ms&period=1h&tag=k:v").status_code == 200
    assert member_client.get("/api/v1/health?strict=1").status_code in (200, 503)


def test_post_parameters_too(admin_client, anon_client):
    assert_error(
        anon_client.post("/api/v1/auth/login?remember=1", {"username": "a", "password": "b"}, format="json"),
        400,
        "validation_error",
    )
    assert_error(
        admin_client.post("/api/v1/config/apply?dryrun=1", {}, format="json"), 400, "validation_error"
    )


def test_a_format_the_endpoint_does_not_render_is_a_400(member_client):
    body = assert_error(member_client.get("/api/v1/agents/dashboard?format=xml"), 400, "validation_error")
    assert body["details"]["format"] == ["One of csv, json."]
    assert member_client.get("/api/v1/agents?format=csv").status_code == 200
