"""Host monitors: stats pushed with the monitor's push token, thresholds, and silence."""

from datetime import timedelta

from django.utils import timezone

from monitors.models import HostStat, Incident, Monitor
from monitors.services.scheduling import monitors_check_batch
from tests.conftest import assert_error, client_for, data_of


def create_host(member_client):
    body = {
        "name": "db-1",
        "type": "host",
        "target": "db-1.internal",
        "check_interval": 60,
        "thresholds": {"cpu": 90, "disk": 95},
    }
    monitor = data_of(member_client.post("/api/v1/monitors", body, format="json"), 201)["monitor"]
    assert monitor["push_token"].startswith("mhp_")
    assert "push_token" not in data_of(member_client.get(f"/api/v1/monitors/{monitor['id']}"))["monitor"]
    return monitor["id"], monitor["push_token"]


def push(monitor_id, token, body):
    return client_for(token=token).post(f"/api/v1/monitors/{monitor_id}/stats", body, format="json")


def test_stats_within_thresholds_then_over_then_back(member_client, acme):
    monitor_id, token = create_host(member_client)
    assert data_of(
        push(monitor_id, token, {"cpu": 12.5, "mem": 40, "disk": [{"name": "/", "value": 70}]}), 201
    ) == {"status": "up"}
    assert (
        data_of(push(monitor_id, token, {"cpu": 97, "disk": [{"name": "/data", "value": 99}]}), 201)["status"]
        == "down"
    )
    incident = Incident.objects.get(monitor_id=monitor_id)
    assert "cpu 97% > 90%" in incident.error_message and "disk /data 99% > 95%" in incident.error_message
    assert data_of(push(monitor_id, token, {"cpu": 20}), 201)["status"] == "up"
    assert HostStat.objects.filter(monitor_id=monitor_id).count() == 3


def test_bad_token_and_bad_input(member_client, acme):
    monitor_id, token = create_host(member_client)
    assert_error(push(monitor_id, "mhp_wrong", {"cpu": 1}), 401, "authentication_failed")
    assert_error(push(monitor_id, "", {"cpu": 1}), 401, "authentication_failed")
    other = Monitor.objects.create(organization=acme, name="web", type="website", target="https://x")
    assert_error(push(other.pk, token, {"cpu": 1}), 401, "authentication_failed")
    error = assert_error(
        push(monitor_id, token, {"cpu": 120, "disk": [{"name": "/"}]}), 400, "validation_error"
    )
    assert set(error["details"]) == {"cpu", "disk"}
    assert not HostStat.objects.exists()


def test_a_silent_host_goes_down(member_client, acme):
    monitor_id, token = create_host(member_client)
    data_of(push(monitor_id, token, {"cpu": 5}), 201)
    monitor = Monitor.objects.get(pk=monitor_id)
    due = monitor.next_check_at
    assert monitors_check_batch(items=[(monitor_id, due.isoformat())], now=due + timedelta(seconds=1)) == {
        "down": 1
    }
    assert "No stats received" in Incident.objects.get(monitor_id=monitor_id).error_message


def test_a_host_that_reported_after_its_due_time_is_not_failed(member_client, acme):
    monitor_id, token = create_host(member_client)
    data_of(push(monitor_id, token, {"cpu": 5}), 201)
    early_due = timezone.now() - timedelta(seconds=30)
    assert monitors_check_batch(items=[(monitor_id, early_due.isoformat())]) == {}
    assert Monitor.objects.get(pk=monitor_id).status == "up"


def test_host_metrics_are_in_the_registry(member_client, acme):
    monitor_id, token = create_host(member_client)
    for cpu in (10, 30):
        data_of(push(monitor_id, token, {"cpu": cpu}), 201)
    data = data_of(
        member_client.get(
            "/api/v1/metrics", {"metric": "host_cpu_percent", "monitor_id": monitor_id, "period": "1h"}
        )
    )
    assert data["summary"]["avg"] == 20


def test_check_now_refuses_a_host_monitor(member_client, acme):
    monitor_id, _ = create_host(member_client)
    assert_error(member_client.post(f"/api/v1/monitors/{monitor_id}/check"), 400, "validation_error")
    assert Monitor.objects.get(pk=monitor_id).status == "pending"


def test_a_new_host_is_not_down_before_it_could_report(member_client, acme):
    """Found by the reliability audit: a new host monitor went down about 1 s after it was created."""
    from monitors.services.scheduling import monitors_claim_due

    before = timezone.now()
    monitor_id, _token = create_host(member_client)
    monitor = Monitor.objects.get(pk=monitor_id)
    assert monitor.next_check_at >= before + timedelta(seconds=120)  # two intervals of 60 s
    assert monitors_claim_due(now=timezone.now() + timedelta(seconds=5), limit=100, lookahead=2) == []
    assert monitor.status == "pending" and not Incident.objects.exists()
