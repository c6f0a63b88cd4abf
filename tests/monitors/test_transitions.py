"""Transitions, incidents and events with a fixed ``now`` (no network: outcomes are given)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Delivery, Event, MaintenanceWindow, NotificationChannel
from alerts.services.events import event_fan_out
from monitors.checks import CheckOutcome
from monitors.models import Incident, Monitor, StatusChange
from monitors.services.scheduling import monitors_claim_due
from monitors.services.transitions import monitor_apply_outcome

T0 = timezone.now().replace(microsecond=0)
OK, FAIL = (
    CheckOutcome(ok=True, response_time_ms=12.5, status_code=200),
    CheckOutcome.failed("HTTP 502", status_code=502),
)


@pytest.fixture
def channel(acme):
    return NotificationChannel.objects.create(
        organization=acme, name="ops", kind="email", config={"to": ["o@x.co"]}
    )


@pytest.fixture
def monitor(acme, channel):
    m = Monitor.objects.create(
        organization=acme,
        name="shop",
        type="website",
        target="https://shop.example",
        retries=1,
        retry_interval=15,
        next_check_at=T0,
    )
    m.notifications.set([channel])
    return m


def apply(monitor, outcome, minutes):
    monitor.refresh_from_db()
    return monitor_apply_outcome(monitor=monitor, outcome=outcome, now=T0 + timedelta(minutes=minutes))


def names():
    return list(Event.objects.order_by("occurred_at").values_list("name", flat=True))


def test_up_then_down_after_retries_then_up_with_one_incident(monitor):
    assert apply(monitor, OK, 0) == "up"
    assert apply(monitor, FAIL, 1) == "up"  # retrying (retries=1)
    monitor.refresh_from_db()
    assert monitor.consecutive_failures == 1 and monitor.next_check_at == T0 + timedelta(
        minutes=1, seconds=15
    )
    assert apply(monitor, FAIL, 2) == "down"
    assert apply(monitor, FAIL, 3) == "down"  # still down: no second incident, no second event
    incident = Incident.objects.get()
    assert incident.status == "open" and incident.error_message == "HTTP 502" and incident.cause == "failure"
    assert names() == ["monitor.down", "incident.created"]
    down = Event.objects.get(name="monitor.down")
    assert down.body["monitor"] == {
        "id": monitor.pk,
        "name": "shop",
        "type": "website",
        "target": "https://shop.example",
        "status": "down",
    }
    assert down.body["incident"]["id"] == incident.pk and down.channel_ids == [monitor.notifications.get().pk]
    assert apply(monitor, OK, 4) == "up"
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.duration_seconds == 120
    assert names()[-2:] == ["monitor.up", "incident.resolved"]
    assert list(StatusChange.objects.order_by("at").values_list("to_status", flat=True)) == [
        "up",
        "down",
        "up",
    ]


def test_a_dependent_of_a_down_parent_is_recorded_not_notified(acme, monitor, channel):
    parent = Monitor.objects.create(
        organization=acme, name="router", type="ping", target="10.0.0.1", status="down"
    )
    monitor.depends_on.set([parent])
    monitor.retries = 0
    monitor.save()
    apply(monitor, OK, 0)
    assert apply(monitor, FAIL, 1) == "down"
    incident = Incident.objects.get(monitor=monitor)
    assert incident.cause == "dependency_down"
    assert Event.objects.get(name="monitor.down").channel_ids == []


def test_certificate_expiry_warns_once_and_rearms_after_renewal(monitor, channel):
    def with_cert(days):
        return CheckOutcome(ok=True, response_time_ms=10, status_code=200, cert_days_left=days)

    apply(monitor, with_cert(30), 0)
    apply(monitor, with_cert(13), 1)  # under the default 14 days
    apply(monitor, with_cert(12), 2)
    warnings = Event.objects.filter(name="monitoring.threshold_exceeded")
    assert warnings.count() == 1
    body = warnings.get().body
    assert (body["metric"], body["current"], body["threshold"]) == ("cert_days_left", 13, 14)
    assert body["monitor"]["id"] == monitor.pk and warnings.get().channel_ids == [channel.pk]
    apply(monitor, with_cert(89), 3)  # renewed
    monitor.refresh_from_db()
    assert monitor.cert_warned is False and monitor.cert_days_left == 89
    apply(monitor, with_cert(5), 4)
    assert warnings.count() == 2


def test_maintenance_window_suppresses_the_notification(acme, monitor):
    MaintenanceWindow.objects.create(
        organization=acme,
        name="deploy",
        applies_to_all=False,
        subjects=[{"type": "monitor", "id": monitor.pk}],
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
    )
    monitor.retries = 0
    monitor.save()
    apply(monitor, OK, 0)
    apply(monitor, FAIL, 1)
    event = Event.objects.get(name="monitor.down")
    event_fan_out(event_id=str(event.pk))
    assert list(Delivery.objects.values_list("status", flat=True)) == ["suppressed"]


def test_dispatcher_claims_due_monitors_once_and_keeps_the_schedule(acme):
    due = [
        Monitor.objects.create(
            organization=acme,
            name=f"m{i}",
            type="port",
            target="127.0.0.1",
            port=1,
            check_interval=60,
            next_check_at=T0 - timedelta(seconds=i),
        )
        for i in range(3)
    ]
    Monitor.objects.create(
        organization=acme, name="later", type="port", target="x", next_check_at=T0 + timedelta(minutes=5)
    )
    Monitor.objects.create(
        organization=acme, name="paused", type="port", target="x", is_paused=True, next_check_at=T0
    )
    host = Monitor.objects.create(organization=acme, name="pushed", type="host", target="x", next_check_at=T0)
    claimed = monitors_claim_due(now=T0)
    assert sorted(claim.pk for claim in claimed) == sorted(
        [*(m.pk for m in due), host.pk]
    )  # a due host is stale
    assert monitors_claim_due(now=T0) == []
    first = Monitor.objects.get(pk=due[0].pk)
    assert first.next_check_at == T0 + timedelta(seconds=60)  # due + interval: no drift


def test_expired_monitors_are_not_checked(acme):
    Monitor.objects.create(
        organization=acme,
        name="old",
        type="port",
        target="x",
        next_check_at=T0,
        expires_at=T0 - timedelta(minutes=1),
    )
    assert monitors_claim_due(now=T0) == []
    assert Monitor.objects.get().next_check_at > T0 + timedelta(days=365)


def test_a_batch_redelivered_after_its_interval_is_dropped_not_doubled(acme):
    from monitors.models import CheckResult
    from monitors.services.scheduling import monitors_check_batch

    monitor = Monitor.objects.create(
        organization=acme, name="db", type="port", target="127.0.0.1", port=1, check_interval=60
    )
    old_due = T0 - timedelta(seconds=61)
    assert monitors_check_batch(items=[(monitor.pk, old_due.isoformat())], now=T0) == {"stale": 1}
    assert not CheckResult.objects.exists()
    fresh = monitors_check_batch(items=[(monitor.pk, (T0 - timedelta(seconds=2)).isoformat())], now=T0)
    assert fresh == {"down": 1} and CheckResult.objects.count() == 1  # a refused port, no retries


def test_a_down_monitor_paused_resumed_and_passing_resolves_its_incident(monitor):
    """Found by the reliability audit: it showed up while its incident stayed open, with no monitor.up."""
    from monitors.services.monitors import monitor_pause, monitor_resume

    apply(monitor, FAIL, 0)
    assert apply(monitor, FAIL, 1) == "down"
    monitor_pause(monitor=monitor)
    monitor_resume(monitor=Monitor.objects.get(pk=monitor.pk))
    assert apply(monitor, OK, 5) == "up"
    assert Incident.objects.get().status == "resolved"
    assert names() == ["monitor.down", "incident.created", "monitor.up", "incident.resolved"]


def test_an_incident_starts_when_its_failing_check_ran(monitor):
    """Found by the reliability audit: started_at was the batch's start, seconds before the check."""
    apply(monitor, FAIL, 0)
    ran = T0 + timedelta(minutes=1, seconds=2.5)
    failing = CheckOutcome(ok=False, error="HTTP 502", started_at=ran)
    monitor.refresh_from_db()
    monitor_apply_outcome(monitor=monitor, outcome=failing, now=T0 + timedelta(minutes=1))
    assert Incident.objects.get().started_at == ran


def test_a_result_for_a_monitor_deleted_while_it_was_checked_is_dropped(monitor, acme):
    """schemathesis found it: a batch recorded a result for a monitor deleted during its check, and the
    insert failed the whole batch (FOREIGN KEY constraint failed)."""
    from monitors.models import CheckResult
    from monitors.services.transitions import monitors_record_outcomes

    other = Monitor.objects.create(organization=acme, name="other", type="port", target="x", port=1)
    stale = Monitor.objects.get(pk=monitor.pk)
    Monitor.objects.filter(pk=monitor.pk).delete()
    now = timezone.now()
    counts = monitors_record_outcomes(
        checks=[(stale, CheckOutcome(ok=False, error="down"), None), (other, CheckOutcome(ok=True), None)],
        now=now,
    )
    assert list(CheckResult.objects.values_list("monitor_id", flat=True)) == [other.pk]
    assert sum(counts.values()) == 1


def test_a_batch_that_waited_out_a_stall_runs_late_once_and_one_overtaken_is_dropped(acme):
    """Found by the reliability audit: after any stall the first batches were dropped as stale, a whole
    interval of blindness. A late batch runs once, at once; only one overtaken by a later claim is dropped."""
    from monitors.models import CheckResult
    from monitors.services.scheduling import monitors_check_batch

    Monitor.objects.create(
        organization=acme, name="db", type="port", target="127.0.0.1", port=1, check_interval=60,
        next_check_at=T0 - timedelta(seconds=300),
    )  # fmt: skip
    stalled = T0 - timedelta(seconds=10)  # the dispatcher ran 5 minutes late
    (claim,) = monitors_claim_due(now=stalled)
    assert claim.due == T0 - timedelta(seconds=300) and claim.next_due == stalled + timedelta(seconds=60)
    assert monitors_check_batch(items=[list(claim)], now=T0) == {"down": 1}  # late, run
    assert CheckResult.objects.count() == 1
    (again,) = monitors_claim_due(now=stalled + timedelta(seconds=61))
    overtaken = monitors_check_batch(items=[list(claim)], now=T0 + timedelta(seconds=70))
    assert overtaken == {"stale": 1} and CheckResult.objects.count() == 1  # claimed again since: dropped
    assert monitors_check_batch(items=[list(again)], now=T0 + timedelta(seconds=70)) == {"down": 1}


def test_a_pause_is_one_transaction_with_its_status_change(monitor, monkeypatch):
    from monitors.models import StatusChange
    from monitors.services.monitors import monitor_pause

    def broken(**fields):
        raise RuntimeError("the history insert failed")

    monkeypatch.setattr(StatusChange.objects, "create", broken)
    with pytest.raises(RuntimeError):
        monitor_pause(monitor=monitor)
    monitor.refresh_from_db()
    assert not monitor.is_paused and monitor.status != "paused"  # no pause without its history row
