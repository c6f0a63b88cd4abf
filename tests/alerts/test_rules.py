"""Rule evaluation with a fixed ``now``: open once after the duration, count occurrences, resolve when the
value drops, and respect pause, expiry, maintenance windows, repeats, escalation and acknowledgement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.choices import AlertStatus
from alerts.inputs import NewRule
from alerts.models import Alert, AlertRule, Delivery, Event, MaintenanceWindow, NotificationChannel
from alerts.services.alerts import alert_acknowledge, alerts_renotify_due
from alerts.services.delivery import deliveries_send
from alerts.services.events import event_fan_out
from alerts.services.rules import rule_create, rule_extend, rule_pause, rule_resume, rules_evaluate_due
from monitoring_site.errors import Conflict
from monitoring_site.metrics.models import MetricPoint
from tests.conftest import due_at

T0 = timezone.now().replace(microsecond=0)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def channel(acme, receiver):
    return NotificationChannel.objects.create(
        organization=acme, name="ops", kind="webhook", config={"url": f"{receiver.url}/ops"}
    )


@pytest.fixture
def rule(acme, channel):
    return due_at(
        rule_create(
            organization=acme,
            new=NewRule(
                name="Queue too deep",
                metric="queue.depth",
                operator="gt",
                threshold=100,
                duration_minutes=5,
                severity="critical",
                channels=[channel.pk],
                check_interval=60,
                recipients=["oncall@example.com"],
            ),
        ),
        T0,
    )


def value(acme, minutes: float, v: float, name="queue.depth"):
    MetricPoint.objects.create(
        organization=acme, name=name, value=v, timestamp=at(minutes) - timedelta(seconds=1)
    )


def evaluate(minutes: float):
    return rules_evaluate_due(now=at(minutes))


def events(name):
    return Event.objects.filter(name=name).count()


def test_alert_opens_once_after_the_duration_counts_and_resolves(acme, rule):
    assert evaluate(0) == {"no_data": 1}
    for minute in range(0, 7):
        value(acme, minute, 150)
    assert evaluate(1) == {"pending": 1}
    assert events("monitoring.threshold_exceeded") == 1
    for minute in (2, 3, 4, 5):
        assert evaluate(minute) == {"pending": 1}
    assert evaluate(6) == {"triggered": 1}
    value(acme, 7, 160)
    assert evaluate(7) == {"repeated": 1}
    alert = Alert.objects.get()
    assert alert.status == "active" and alert.occurrence_count == 2 and alert.severity == "critical"
    assert alert.current_value == 160 and alert.title == "Queue too deep"
    assert events("monitoring.alert_triggered") == 1 and events("monitoring.threshold_exceeded") == 1

    value(acme, 8, 20)
    assert evaluate(8) == {"resolved": 1}
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolved_by == "system" and "20" in alert.resolution
    assert events("monitoring.alert_resolved") == 1
    assert Alert.objects.count() == 1


def test_not_due_twice_within_the_interval(acme, rule):
    value(acme, 0, 150)
    assert evaluate(0) == {"pending": 1}
    assert evaluate(0.5) == {}  # claimed for the next 60 seconds


def test_notifications_reach_channel_and_recipients(acme, rule, receiver):
    from django.core import mail

    for minute in range(0, 7):
        value(acme, minute, 150)
        evaluate(minute)
    event = Event.objects.get(name="monitoring.alert_triggered")
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 2}
    assert receiver.requests[0].json()["alert"]["threshold"] == {
        "metric": "queue.depth",
        "operator": "gt",
        "value": 100.0,
        "current": 150.0,
    }
    assert mail.outbox[0].to == ["oncall@example.com"] and "Queue too deep" in mail.outbox[0].subject


def test_paused_rules_are_not_evaluated(acme, rule):
    rule_pause(rule=rule)
    with pytest.raises(Conflict):
        rule_pause(rule=rule)
    value(acme, 0, 150)
    assert evaluate(0) == {}
    rule_resume(rule=rule, now=at(1))
    value(acme, 1, 150)
    assert evaluate(1) == {"pending": 1}


def test_expired_rules_stop_until_extended(acme, rule):
    AlertRule.objects.filter(pk=rule.pk).update(expires_at=at(1))
    value(acme, 0, 150)
    assert evaluate(0) == {"pending": 1}
    value(acme, 2, 150)
    assert evaluate(2) == {"expired": 1}
    assert evaluate(3) == {}
    rule.refresh_from_db()
    assert rule.state(at(3)) == "expired"
    rule_extend(rule=rule, hours=2, now=at(3))
    rule.refresh_from_db()
    assert rule.expires_at == at(3) + timedelta(hours=2) and rule.state(at(3)) == "active"
    value(acme, 3, 150)
    assert evaluate(3) == {"pending": 1}


def test_maintenance_window_records_but_does_not_notify(acme, rule, receiver):
    MaintenanceWindow.objects.create(organization=acme, name="upgrade", starts_at=at(-1), ends_at=at(60))
    for minute in range(0, 7):
        value(acme, minute, 150)
        evaluate(minute)
    assert Alert.objects.filter(status="active").count() == 1  # recorded
    event = Event.objects.get(name="monitoring.alert_triggered")
    event_fan_out(event_id=str(event.id))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"suppressed"}
    assert deliveries_send() == {} and receiver.requests == []
    event.refresh_from_db()
    assert event.in_maintenance


def test_recurring_maintenance_window():
    window = MaintenanceWindow(cron="0 3 * * *", timezone="Europe/Berlin", duration_minutes=60)
    day = timezone.datetime(2026, 1, 10, tzinfo=timezone.get_current_timezone())
    assert window.is_in_effect(day.replace(hour=2, minute=30))  # 03:30 in Berlin (UTC+1)
    assert not window.is_in_effect(day.replace(hour=3, minute=30))
    assert window.covers("monitor", 3)
    scoped = MaintenanceWindow(applies_to_all=False, subjects=[{"type": "monitor", "id": 3}])
    assert scoped.covers("monitor", 3) and not scoped.covers("monitor", 4)


def _trigger(acme):
    for minute in range(0, 7):
        value(acme, minute, 150)
        evaluate(minute)
    return Alert.objects.get()


def test_repeats_and_escalation_until_acknowledged(acme, rule, receiver):
    pager = NotificationChannel.objects.create(
        organization=acme, name="pager", kind="webhook", config={"url": f"{receiver.url}/pager"}
    )
    AlertRule.objects.filter(pk=rule.pk).update(repeat_every_minutes=10, escalate_after_minutes=15)
    rule.escalation_channels.set([pager])
    alert = _trigger(acme)
    assert alerts_renotify_due(now=at(10)) == {"repeated": 0, "escalated": 0}
    assert alerts_renotify_due(now=at(16)) == {"repeated": 1, "escalated": 0}
    assert alerts_renotify_due(now=at(17)) == {"repeated": 0, "escalated": 0}
    assert alerts_renotify_due(now=at(22)) == {"repeated": 0, "escalated": 1}
    escalation = Event.objects.filter(name="monitoring.alert_triggered").order_by("-occurred_at")[0]
    assert escalation.channel_ids == [pager.pk] and escalation.body["alert"]["escalated"] is True
    alert_acknowledge(alert=alert, by="alice", notes="looking")
    assert alerts_renotify_due(now=at(60)) == {"repeated": 0, "escalated": 0}
    alert.refresh_from_db()
    assert (
        alert.status == AlertStatus.ACKNOWLEDGED
        and alert.acknowledged_by == "alice"
        and alert.notes == "looking"
    )
    with pytest.raises(Conflict):
        alert_acknowledge(alert=alert, by="bob")


def test_acknowledged_alert_still_resolves_when_the_value_drops(acme, rule):
    alert = _trigger(acme)
    alert_acknowledge(alert=alert, by="alice")
    value(acme, 8, 1)
    assert evaluate(8) == {"resolved": 1}


def test_rule_on_a_tag_scope(acme, channel):
    due_at(
        rule_create(
            organization=acme,
            new=NewRule(
                name="prod only",
                metric="errors",
                operator="gte",
                threshold=1,
                duration_minutes=0,
                scope={"tag": "env:prod"},
            ),
        ),
        T0,
    )
    MetricPoint.objects.create(
        organization=acme, name="errors", value=5, tags={"env": "dev"}, timestamp=at(0) - timedelta(seconds=1)
    )
    assert evaluate(0) == {"no_data": 1}
    MetricPoint.objects.create(
        organization=acme,
        name="errors",
        value=5,
        tags={"env": "prod"},
        timestamp=at(1) - timedelta(seconds=1),
    )
    assert evaluate(1) == {"triggered": 1}


def test_auto_remediation_runs_up_to_max_attempts(acme, channel):
    from alerts import remediation
    from alerts.services.alerts import alert_remediate

    calls = []
    with remediation.override("restart_test", lambda alert: calls.append(alert.pk) or "restarted"):
        rule = due_at(
            rule_create(
                organization=acme,
                new=NewRule(
                    name="self-heal",
                    metric="queue.depth",
                    operator="gt",
                    threshold=100,
                    duration_minutes=0,
                    auto_remediate={"action": "restart_test", "max_attempts": 2},
                ),
            ),
            T0,
        )
        value(acme, 0, 150)
        assert evaluate(0) == {"triggered": 1}
        alert = Alert.objects.get(rule=rule)
        assert alert_remediate(alert_id=alert.pk) == "restarted"
        assert alert_remediate(alert_id=alert.pk) == "restarted"
        assert alert_remediate(alert_id=alert.pk) is None  # max_attempts reached
        alert.refresh_from_db()
        assert calls == [alert.pk, alert.pk] and alert.remediation_attempts == 2
        assert [entry["result"] for entry in alert.remediation_log] == ["restarted", "restarted"]


def test_a_failing_remediation_is_logged_and_recorded(acme, channel, caplog):
    from alerts import remediation
    from alerts.services.alerts import alert_remediate

    def broken(alert):
        raise RuntimeError("the restart API is down")

    with remediation.override("broken_test", broken):
        rule = due_at(
            rule_create(
                organization=acme,
                new=NewRule(
                    name="self-heal-broken",
                    metric="queue.depth",
                    operator="gt",
                    threshold=100,
                    duration_minutes=0,
                    auto_remediate={"action": "broken_test", "max_attempts": 1},
                ),
            ),
            T0,
        )
        value(acme, 0, 150)
        assert evaluate(0) == {"triggered": 1}
        alert = Alert.objects.get(rule=rule)
        with caplog.at_level("ERROR", logger="alerts.services.alerts"):
            assert alert_remediate(alert_id=alert.pk) == "RuntimeError: the restart API is down"
    assert remediation.get("broken_test") is None  # the override is undone
    alert.refresh_from_db()
    assert [(e["ok"], e["result"]) for e in alert.remediation_log] == [
        (False, "RuntimeError: the restart API is down")
    ]
    [record] = [r for r in caplog.records if r.name == "alerts.services.alerts"]
    assert record.exc_info and "broken_test" in record.getMessage()
