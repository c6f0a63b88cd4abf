from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import MaintenanceWindow, NotificationChannel
from monitors.models import CheckResult, Incident, Monitor
from monitors.services.rollups import monitors_refresh_uptime, rollups_advance
from tests.conftest import assert_error, data_of
from tests.monitors.targets import HttpTarget

URL = "/api/v1/monitors"


@pytest.fixture
def http():
    with HttpTarget() as target:
        yield target


def make(acme, **fields):
    defaults = {"name": "shop", "type": "website", "target": "https://shop.example"}
    return Monitor.objects.create(organization=acme, **{**defaults, **fields})


def test_create_read_update_delete(member_client, admin_client, acme):
    channel = NotificationChannel.objects.create(
        organization=acme, name="c", kind="email", config={"to": ["a@b.co"]}
    )
    body = {
        "name": "Shop",
        "type": "website",
        "target": "https://shop.example",
        "check_interval": 30,
        "notifications": [channel.pk],
        "tags": ["prod"],
        "expected_status": ["200", "300-399"],
    }
    monitor = data_of(member_client.post(URL, body, format="json"), 201)["monitor"]
    assert monitor["status"] == "pending" and monitor["is_ok"] is False and monitor["uptime"] is None
    assert monitor["notifications"] == [channel.pk] and monitor["tags"] == ["prod"]
    assert data_of(member_client.get(URL, {"tag": "prod"}))["pagination"]["total_items"] == 1
    assert data_of(member_client.get(URL, {"tag": "dev"}))["pagination"]["total_items"] == 0
    patched = data_of(member_client.patch(f"{URL}/{monitor['id']}", {"name": "Shop EU"}, format="json"))[
        "monitor"
    ]
    assert patched["name"] == "Shop EU"
    assert_error(member_client.delete(f"{URL}/{monitor['id']}"), 403, "insufficient_permissions")
    assert admin_client.delete(f"{URL}/{monitor['id']}").status_code == 204


def test_bad_input_changes_nothing(member_client, umbrella):
    foreign = NotificationChannel.objects.create(
        organization=umbrella, name="x", kind="email", config={"to": ["a@b.co"]}
    )
    for body, field in [
        ({"name": "x", "type": "website", "target": "shop.example"}, "target"),
        ({"name": "x", "type": "port", "target": "db"}, "port"),
        ({"name": "x", "type": "keyword", "target": "https://x"}, "keyword"),
        ({"name": "x", "type": "website", "target": "https://x", "check_interval": 5}, "check_interval"),
        (
            {"name": "x", "type": "website", "target": "https://x", "notifications": [foreign.pk]},
            "notifications",
        ),
        ({"name": "x", "type": "teleport", "target": "x"}, "type"),
    ]:
        error = assert_error(member_client.post(URL, body, format="json"), 400, "validation_error")
        assert field in error["details"], (field, error)
    assert not Monitor.objects.exists()


def test_pause_resume_and_conflicts(member_client, acme):
    monitor = make(acme)
    assert data_of(member_client.post(f"{URL}/{monitor.pk}/pause"))["monitor"]["status"] == "paused"
    assert_error(member_client.post(f"{URL}/{monitor.pk}/pause"), 409, "monitor_already_paused")
    resumed = data_of(member_client.post(f"{URL}/{monitor.pk}/resume"))["monitor"]
    assert resumed["status"] == "pending" and resumed["is_paused"] is False
    extended = data_of(member_client.post(f"{URL}/{monitor.pk}/extend", {"hours": 2}, format="json"))[
        "monitor"
    ]
    assert extended["expires_at"] is not None


def test_check_now_logs_uptime_and_incidents(member_client, acme, http):
    monitor = make(acme, target=f"{http.url}/status/200")
    result = data_of(member_client.post(f"{URL}/{monitor.pk}/check"))
    assert result["ok"] is True and result["status"] == "up" and result["status_code"] == 200
    Monitor.objects.filter(pk=monitor.pk).update(target=f"{http.url}/status/500")
    result = data_of(member_client.post(f"{URL}/{monitor.pk}/check"))
    assert result["ok"] is False and result["status"] == "down" and result["error"] == "HTTP 500"
    assert data_of(member_client.get(f"{URL}/{monitor.pk}"))["monitor"]["uptime"] is None  # not rolled yet
    later = timezone.now() + timedelta(minutes=4)  # once the minute has settled and been rolled
    rollups_advance(now=later)
    monitors_refresh_uptime(now=later, periods=("7d", "30d"))  # the hourly refresh
    detail = data_of(member_client.get(f"{URL}/{monitor.pk}"))["monitor"]
    assert detail["uptime"] == 50.0 and detail["uptimes"]["30d"] == 50.0 and detail["status"] == "down"
    uptime = data_of(member_client.get(f"{URL}/{monitor.pk}/uptime", {"period": "90d"}))["uptime"]
    assert uptime["uptime_percent"] == 50.0 and (uptime["checks"], uptime["failures"]) == (2, 1)
    assert uptime["response_time"]["p95"] is not None
    assert_error(member_client.get(f"{URL}/{monitor.pk}/uptime", {"period": "1y"}), 400, "validation_error")
    logs = data_of(member_client.get(f"{URL}/{monitor.pk}/logs"))
    assert logs["pagination"]["total_items"] == 2 and logs["logs"][0]["ok"] is False
    csv = member_client.get(f"{URL}/{monitor.pk}/logs", {"format": "csv"}).content.decode().splitlines()
    assert csv[0].startswith("checked_at,") and len(csv) == 3
    incidents = data_of(member_client.get("/api/v1/incidents", {"status": "open"}))["incidents"]
    assert incidents[0]["monitor"]["id"] == monitor.pk and incidents[0]["error_message"] == "HTTP 500"
    incident = data_of(member_client.get(f"/api/v1/incidents/{incidents[0]['id']}"))["incident"]
    assert incident["duration_seconds"] >= 0
    assert member_client.get("/api/v1/incidents", {"format": "csv"}).status_code == 200


def test_bulk_update(member_client, acme):
    a, b = make(acme, name="a"), make(acme, name="b")
    data = data_of(
        member_client.put(
            f"{URL}/bulk", {"monitor_ids": [a.pk, b.pk], "updates": {"check_interval": 120}}, format="json"
        )
    )
    assert {m["check_interval"] for m in data["monitors"]} == {120}
    assert_error(
        member_client.put(
            f"{URL}/bulk", {"monitor_ids": [a.pk, 999999], "updates": {"check_interval": 90}}, format="json"
        ),
        400,
        "validation_error",
    )
    assert Monitor.objects.get(pk=a.pk).check_interval == 120


def test_sort_by_uptime_and_filters(member_client, acme):
    good, bad = make(acme, name="good"), make(acme, name="bad")
    now = timezone.now()
    CheckResult.objects.bulk_create(
        [
            CheckResult(monitor=good, ok=True, checked_at=now),
            CheckResult(monitor=bad, ok=False, checked_at=now - timedelta(minutes=1)),
        ]
    )
    rollups_advance(now=timezone.now() + timedelta(minutes=4))
    names = [m["name"] for m in data_of(member_client.get(URL, {"sort": "uptime:desc"}))["monitors"]]
    assert names == ["good", "bad"]
    assert data_of(member_client.get(URL, {"search": "goo"}))["pagination"]["total_items"] == 1


def test_isolation_and_auth(anon_client, viewer_client, outsider_client, acme):
    monitor = make(acme)
    Incident.objects.create(organization=acme, monitor=monitor, error_message="x")
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert_error(
        viewer_client.post(URL, {"name": "x", "type": "website", "target": "https://x"}, format="json"),
        403,
        "insufficient_permissions",
    )
    assert_error(viewer_client.post(f"{URL}/{monitor.pk}/pause"), 403, "insufficient_permissions")
    assert_error(anon_client.get(f"{URL}/{monitor.pk}/uptime"), 401, "authentication_failed")
    for path in [f"{URL}/{monitor.pk}", f"{URL}/{monitor.pk}/logs", f"{URL}/{monitor.pk}/uptime"]:
        assert_error(outsider_client.get(path), 404, "not_found")
    assert_error(outsider_client.post(f"{URL}/{monitor.pk}/check"), 404, "not_found")
    assert data_of(outsider_client.get("/api/v1/incidents"))["incidents"] == []


def test_list_query_count_is_bounded(member_client, acme, django_assert_max_num_queries):
    for i in range(30):
        make(acme, name=f"m{i}")
    with django_assert_max_num_queries(7):  # auth, org, count, page, 2 prefetches, maintenance windows
        assert data_of(member_client.get(URL, {"per_page": 100}))["pagination"]["total_items"] == 30


def test_status_is_maintenance_while_a_window_covers_the_monitor(member_client, acme):
    covered = make(acme, name="covered")
    make(acme, name="other")
    now = timezone.now()
    MaintenanceWindow.objects.create(
        organization=acme,
        name="db upgrade",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=30),
        applies_to_all=False,
        subjects=[{"type": "monitor", "id": covered.pk}],
    )
    shown = {m["name"]: m["status"] for m in data_of(member_client.get(URL))["monitors"]}
    assert shown == {"covered": "maintenance", "other": "pending"}
    assert data_of(member_client.get(f"{URL}/{covered.pk}"))["monitor"]["status"] == "maintenance"
    MaintenanceWindow.objects.update(ends_at=now - timedelta(minutes=1))
    assert data_of(member_client.get(f"{URL}/{covered.pk}"))["monitor"]["status"] == "pending"


def test_the_uptime_percentiles_are_real_percentiles(member_client, acme):
    """Found by the audit: p95 and p99 equal to p50. 100 checks of 1..100 ms in the last hour."""
    from datetime import timedelta

    from django.utils import timezone

    from monitors.models import CheckResult

    monitor = Monitor.objects.create(
        organization=acme, name="spread", type="website", target="https://s.example"
    )
    now = timezone.now()
    CheckResult.objects.bulk_create(
        CheckResult(
            monitor=monitor, checked_at=now - timedelta(seconds=30 * i), ok=True, response_time_ms=float(ms)
        )
        for i, ms in enumerate(range(1, 101))
    )
    for rolled in (False, True):  # read from raw results, then from minute and hour rollups
        if rolled:
            for _ in range(50):
                if not any(
                    v for k, v in rollups_advance(now=now + timedelta(hours=2)).items() if k != "pruned"
                ):
                    break
        for period in ("24h", "7d", "90d"):
            answer = member_client.get(f"{URL}/{monitor.pk}/uptime", {"period": period})
            rt = data_of(answer)["uptime"]["response_time"]
            assert rt["p50"] == pytest.approx(50, rel=0.05), (rolled, period, rt)
            assert rt["p95"] == pytest.approx(95, rel=0.05), (rolled, period, rt)
            assert rt["p99"] == pytest.approx(99, rel=0.05), (rolled, period, rt)
