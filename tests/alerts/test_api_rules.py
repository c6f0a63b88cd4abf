from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.inputs import NewRule
from alerts.models import Alert, AlertRule, MaintenanceWindow, NotificationChannel
from alerts.services.rules import rule_create
from tests.conftest import assert_error, data_of

RULES, ALERTS, WINDOWS = "/api/v1/alert-rules", "/api/v1/alerts", "/api/v1/maintenance-windows"

BODY = {
    "name": "High latency",
    "condition": {"metric": "p95_latency_ms", "operator": "gt", "threshold": 1000, "duration_minutes": 5},
    "severity": "warning",
    "recipients": ["oncall@example.com"],
}


@pytest.fixture
def slack(acme):
    return NotificationChannel.objects.create(
        organization=acme, name="slack", kind="webhook", config={"url": "https://hooks.example/x"}
    )


def test_create_with_channels_by_name_or_id_and_read_back(member_client, slack):
    created = data_of(member_client.post(RULES, {**BODY, "channels": ["slack"]}, format="json"), 201)[
        "alert_rule"
    ]
    assert created["condition"] == {
        "metric": "p95_latency_ms",
        "operator": "gt",
        "threshold": 1000.0,
        "duration_minutes": 5,
    }
    assert created["channels"] == [slack.pk] and created["state"] == "active"
    again = data_of(
        member_client.post(RULES, {**BODY, "name": "b", "channels": [slack.pk]}, format="json"), 201
    )
    assert again["alert_rule"]["channels"] == [slack.pk]
    listed = data_of(member_client.get(RULES, {"severity": "warning"}))
    assert listed["pagination"]["total_items"] == 2


def test_bad_input(member_client, outsider, umbrella):
    foreign = NotificationChannel.objects.create(
        organization=umbrella, name="theirs", kind="email", config={"to": ["x@y.co"]}
    )
    cases = [
        ({**BODY, "condition": {**BODY["condition"], "operator": "about"}}, "condition"),
        ({**BODY, "condition": {"metric": "x"}}, "condition"),
        ({**BODY, "channels": ["nope"]}, "channels"),
        ({**BODY, "channels": [foreign.pk]}, "channels"),
        ({**BODY, "recipients": ["not-mail"]}, "recipients"),
        ({**BODY, "scope": {"hostname": "x"}}, "scope"),
        ({**BODY, "check_interval": 1}, "check_interval"),
        ({**BODY, "auto_remediate": {"action": "reboot_the_universe"}}, "auto_remediate"),
        ({**BODY, "severity": "apocalyptic"}, "severity"),
    ]
    for body, field in cases:
        error = assert_error(member_client.post(RULES, body, format="json"), 400, "validation_error")
        assert any(key.startswith(field) for key in error["details"]), (field, error)
    assert not AlertRule.objects.exists()


def test_pause_resume_extend_test(member_client, acme, receiver):
    channel = NotificationChannel.objects.create(
        organization=acme, name="hook", kind="webhook", config={"url": f"{receiver.url}/h"}
    )
    rule = rule_create(
        organization=acme,
        new=NewRule(name="r", metric="m", operator="gt", threshold=1, channels=[channel.pk]),
    )
    assert data_of(member_client.post(f"{RULES}/{rule.pk}/pause"))["alert_rule"]["state"] == "paused"
    assert_error(member_client.post(f"{RULES}/{rule.pk}/pause"), 409, "rule_already_paused")
    assert data_of(member_client.post(f"{RULES}/{rule.pk}/resume"))["alert_rule"]["is_paused"] is False
    extended = data_of(member_client.post(f"{RULES}/{rule.pk}/extend", {"hours": 48}, format="json"))[
        "alert_rule"
    ]
    assert extended["expires_at"] is not None
    assert_error(member_client.post(f"{RULES}/{rule.pk}/extend", {}, format="json"), 400, "validation_error")
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert_error(
        member_client.post(f"{RULES}/{rule.pk}/extend", {"until": past}, format="json"),
        400,
        "validation_error",
    )
    tested = data_of(member_client.post(f"{RULES}/{rule.pk}/test"))
    assert tested["delivered"] is True and tested["results"][0]["channel_id"] == channel.pk
    assert receiver.requests[0].json()["event"] == "channel.test"


def test_replace_the_whole_set_is_idempotent(admin_client, member_client, acme):
    rule_create(organization=acme, new=NewRule(name="old", metric="m", operator="gt", threshold=1))
    payload = {
        "rules": [
            BODY,
            {**BODY, "name": "Errors", "condition": {**BODY["condition"], "metric": "error_rate"}},
        ]
    }
    assert_error(
        member_client.put("/api/v1/alerts/rules", payload, format="json"), 403, "insufficient_permissions"
    )
    first = data_of(admin_client.put("/api/v1/alerts/rules", payload, format="json"))["alert_rules"]
    second = data_of(admin_client.put("/api/v1/alerts/rules", payload, format="json"))["alert_rules"]
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert sorted(AlertRule.objects.values_list("name", flat=True)) == ["Errors", "High latency"]
    bad = {"rules": [BODY, {**BODY, "recipients": ["nope"]}]}
    assert_error(admin_client.put("/api/v1/alerts/rules", bad, format="json"), 400, "validation_error")
    assert AlertRule.objects.count() == 2


def _alert(acme, severity="warning", status="active", **extra):
    return Alert.objects.create(
        organization=acme,
        severity=severity,
        status=status,
        title="t",
        message="m",
        metric="m",
        operator="gt",
        threshold_value=1,
        current_value=2,
        **extra,
    )


def test_alerts_list_summary_filters_acknowledge_resolve(member_client, viewer_client, acme):
    warning = _alert(acme, scope={"agent_id": 4})
    _alert(acme, severity="critical")
    _alert(acme, severity="critical", status="resolved")
    data = data_of(viewer_client.get(ALERTS, {"status": "active"}))
    assert data["summary"] == {"critical": 1, "warning": 1, "info": 0}
    assert data_of(viewer_client.get(ALERTS, {"agent_id": 4}))["alerts"][0]["id"] == warning.pk
    assert_error(
        viewer_client.post(f"{ALERTS}/{warning.pk}/acknowledge", {}, format="json"),
        403,
        "insufficient_permissions",
    )
    acked = data_of(
        member_client.post(f"{ALERTS}/{warning.pk}/acknowledge", {"notes": "on it"}, format="json")
    )
    assert acked["alert"]["status"] == "acknowledged" and acked["alert"]["acknowledged_by"] == "bob"
    assert_error(
        member_client.post(f"{ALERTS}/{warning.pk}/acknowledge", {}, format="json"),
        409,
        "alert_already_acknowledged",
    )
    resolved = data_of(
        member_client.post(
            f"{ALERTS}/{warning.pk}/resolve", {"resolution": "restarted", "root_cause": "leak"}, format="json"
        )
    )
    assert resolved["alert"]["status"] == "resolved" and resolved["alert"]["root_cause"] == "leak"
    assert_error(
        member_client.post(f"{ALERTS}/{warning.pk}/resolve", {}, format="json"), 409, "alert_already_resolved"
    )
    detail = data_of(viewer_client.get(f"{ALERTS}/{warning.pk}"))["alert"]
    assert detail["threshold"] == {"metric": "m", "operator": "gt", "value": 1.0, "current": 2.0}


def test_maintenance_windows(member_client):
    start = timezone.now()
    body = {
        "name": "db upgrade",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }
    window = data_of(member_client.post(WINDOWS, body, format="json"), 201)["maintenance_window"]
    assert window["in_effect"] is True and window["applies_to_all"] is True
    recurring = {
        "name": "nightly",
        "cron": "0 3 * * *",
        "timezone": "Europe/Berlin",
        "duration_minutes": 30,
        "applies_to_all": False,
        "subjects": [{"type": "monitor", "id": 3}],
    }
    assert data_of(member_client.post(WINDOWS, recurring, format="json"), 201)
    for bad, field in [
        ({"name": "x"}, "starts_at"),
        ({"name": "x", "cron": "every day", "duration_minutes": 5}, "cron"),
        ({"name": "x", "cron": "0 3 * * *"}, "duration_minutes"),
        ({**recurring, "timezone": "Mars/Olympus"}, "timezone"),
        ({**recurring, "subjects": [{"type": "planet", "id": 1}]}, "subjects"),
        ({**body, "ends_at": (start - timedelta(hours=1)).isoformat()}, "ends_at"),
    ]:
        error = assert_error(member_client.post(WINDOWS, bad, format="json"), 400, "validation_error")
        assert field in error["details"], (field, error)
    assert MaintenanceWindow.objects.count() == 2
    patched = data_of(member_client.patch(f"{WINDOWS}/{window['id']}", {"is_active": False}, format="json"))
    assert patched["maintenance_window"]["in_effect"] is False


def test_isolation_and_auth(anon_client, outsider_client, acme):
    rule = rule_create(organization=acme, new=NewRule(name="r", metric="m", operator="gt", threshold=1))
    alert = _alert(acme)
    window = MaintenanceWindow.objects.create(
        organization=acme, name="w", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1)
    )
    for path in [f"{RULES}/{rule.pk}", f"{WINDOWS}/{window.pk}"]:
        assert_error(outsider_client.get(path), 404, "not_found")
        assert_error(anon_client.get(path), 401, "authentication_failed")
    # DESIGN's error codes: an alert that is not found is alert_not_found
    assert_error(outsider_client.get(f"{ALERTS}/{alert.pk}"), 404, "alert_not_found")
    assert_error(anon_client.get(f"{ALERTS}/{alert.pk}"), 401, "authentication_failed")
    assert_error(
        outsider_client.post(f"{ALERTS}/{alert.pk}/acknowledge", {}, format="json"), 404, "alert_not_found"
    )
    assert_error(outsider_client.post(f"{ALERTS}/999999/resolve", {}, format="json"), 404, "alert_not_found")
    assert_error(outsider_client.post(f"{RULES}/{rule.pk}/pause"), 404, "not_found")
    assert data_of(outsider_client.get(ALERTS))["summary"] == {"critical": 0, "warning": 0, "info": 0}


def test_list_query_counts(member_client, acme, slack, django_assert_max_num_queries):
    for i in range(10):
        rule = rule_create(
            organization=acme,
            new=NewRule(name=f"r{i}", metric="m", operator="gt", threshold=1, channels=[slack.pk]),
        )
        _alert(acme, rule=rule)
    with django_assert_max_num_queries(6):
        data_of(member_client.get(RULES))
    with django_assert_max_num_queries(5):
        data_of(member_client.get(ALERTS))
