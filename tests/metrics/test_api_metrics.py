from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring_site.metrics.models import MetricPoint
from monitoring_site.metrics.registry import MetricDefinition, register
from monitoring_site.metrics.selectors import metric_value, percentile
from tests.conftest import assert_error, data_of

URL = "/api/v1/metrics"


@pytest.fixture(autouse=True)
def isolated_registry():
    from monitoring_site.metrics import registry

    with registry.preserved():
        yield


def push(client, points):
    return client.post(URL, {"points": points}, format="json")


def test_push_and_read_percentiles(member_client, viewer_client):
    now = timezone.now()
    points = [
        {
            "name": "queue.depth",
            "value": v,
            "tags": {"env": "prod"},
            "timestamp": (now - timedelta(minutes=5)).isoformat(),
        }
        for v in range(1, 101)
    ]
    assert data_of(push(member_client, points), 201) == {"accepted": 100}
    data = data_of(viewer_client.get(URL, {"metric": "queue.depth", "period": "1h"}))
    summary = data["summary"]
    assert (
        summary["count"] == 100 and summary["avg"] == 50.5 and summary["min"] == 1 and summary["max"] == 100
    )
    assert summary["p50"] == pytest.approx(50.5) and summary["p95"] == pytest.approx(95.05)
    assert summary["p99"] == pytest.approx(99.01)
    assert data["granularity"] == "minute" and len(data["timeseries"]) in (60, 61)
    assert sum(bucket["count"] for bucket in data["timeseries"]) == 100
    assert data["metric"]["source"] == "custom"


def test_tags_filter(member_client):
    data_of(
        push(
            member_client,
            [
                {"name": "latency", "value": 10, "tags": {"env": "prod"}},
                {"name": "latency", "value": 30, "tags": {"env": "dev"}},
            ],
        ),
        201,
    )
    prod = data_of(member_client.get(URL, {"metric": "latency", "period": "1h", "tag": "env:prod"}))
    assert prod["summary"]["count"] == 1 and prod["summary"]["avg"] == 10


def test_bad_points_store_nothing_and_are_reported_by_index(member_client):
    response = push(
        member_client,
        [
            {"name": "ok.metric", "value": 1},
            {"name": "bad name!", "value": 1},
            {"name": "x", "value": "NaN"},
            {"name": "x", "value": 1, "timestamp": "yesterday"},
            {"name": "x", "value": 1, "tags": ["a"]},
        ],
    )
    error = assert_error(response, 400, "validation_error")
    assert set(error["details"]) == {
        "points[1].name",
        "points[2].value",
        "points[3].timestamp",
        "points[4].tags",
    }
    assert not MetricPoint.objects.exists()
    assert_error(push(member_client, []), 400, "validation_error")
    assert_error(member_client.post(URL, {}, format="json"), 400, "validation_error")


def test_builtin_names_cannot_be_pushed(member_client):
    register(MetricDefinition("test.builtin", "ms", "test", "tests", lambda *a: []))
    error = assert_error(push(member_client, [{"name": "test.builtin", "value": 1}]), 400, "validation_error")
    assert "built-in" in error["details"]["points[0].name"][0]


def test_query_validation(viewer_client):
    assert_error(viewer_client.get(URL), 400, "validation_error")
    assert_error(viewer_client.get(URL, {"metric": "x", "period": "2y"}), 400, "validation_error")
    error = assert_error(
        viewer_client.get(URL, {"metric": "x", "period": "30d", "granularity": "minute"}),
        400,
        "validation_error",
    )
    assert "granularity" in error["details"]


def test_registered_metric_is_read_through_its_definition(viewer_client, acme):
    now = timezone.now()
    seen = {}

    def points(organization_id, start, end, scope):
        seen.update(scope)
        return [(now - timedelta(minutes=1), 4.0), (now - timedelta(minutes=2), 6.0)]

    register(MetricDefinition("test.response_time_ms", "ms", "test", "tests", points, scopes=("monitor_id",)))
    data = data_of(
        viewer_client.get(URL, {"metric": "test.response_time_ms", "monitor_id": 3, "period": "1h"})
    )
    assert data["summary"]["avg"] == 5.0 and seen == {"monitor_id": 3}
    catalog = data_of(viewer_client.get(f"{URL}/catalog"))["metrics"]
    assert "test.response_time_ms" in {m["name"] for m in catalog}


def test_catalog_lists_custom_metrics_of_the_organization_only(member_client, outsider_client):
    data_of(push(member_client, [{"name": "orders.per_minute", "value": 3}]), 201)
    names = {m["name"] for m in data_of(member_client.get(f"{URL}/catalog"))["metrics"]}
    assert "orders.per_minute" in names
    assert "orders.per_minute" not in {
        m["name"] for m in data_of(outsider_client.get(f"{URL}/catalog"))["metrics"]
    }
    assert (
        data_of(outsider_client.get(URL, {"metric": "orders.per_minute", "period": "1h"}))["summary"]["count"]
        == 0
    )


def test_export_csv(member_client, viewer_client):
    data_of(push(member_client, [{"name": "a", "value": 1}, {"name": "b", "value": 2}]), 201)
    response = viewer_client.post(
        f"{URL}/export", {"metrics": ["a", "b"], "period": "1h", "granularity": "minute"}, format="json"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "metric,timestamp,count,avg,min,max,p50,p95,p99"
    filled = [line for line in lines[1:] if line.split(",")[2] != "0"]
    assert sorted(line.split(",")[0] for line in filled) == ["a", "b"]
    assert_error(viewer_client.post(f"{URL}/export", {"metrics": []}, format="json"), 400, "validation_error")


def test_permissions(anon_client, viewer_client, read_key_client):
    assert_error(anon_client.get(URL, {"metric": "x"}), 401, "authentication_failed")
    assert_error(push(viewer_client, [{"name": "x", "value": 1}]), 403, "insufficient_permissions")
    assert_error(push(read_key_client, [{"name": "x", "value": 1}]), 403, "insufficient_permissions")


def test_metric_value_and_percentile(acme):
    now = timezone.now()
    MetricPoint.objects.bulk_create(
        [MetricPoint(organization=acme, name="m", value=v, timestamp=now) for v in (1, 2, 6)]
    )
    assert (
        metric_value(
            organization_id=acme.pk,
            name="m",
            start=now - timedelta(minutes=1),
            end=now + timedelta(seconds=1),
        )
        == 3
    )
    assert metric_value(organization_id=acme.pk, name="nothing", start=now, end=now) is None
    assert percentile([1, 2, 3, 4], 0.5) == 2.5 and percentile([], 0.5) is None
