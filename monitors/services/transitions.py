"""Applying check outcomes: the one place that decides a monitor's status and its incidents.

Each transition is a compare-and-swap on ``status`` with a ``StatusChange`` row; an incident opens or
resolves once (one open incident per monitor is a constraint); events go to the bus, which notifies the
monitor's channels, webhooks and WebSocket subscribers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from monitoring_site.bulk_update import rows_update
from monitoring_site.events import emit
from monitors.checks import CheckOutcome
from monitors.choices import IncidentCause, IncidentStatus, MonitorStatus
from monitors.location_selectors import quorum_of
from monitors.models import LOCAL, CheckResult, Incident, Monitor, MonitorLocation, StatusChange
from monitors.services.locations import ROW_FIELDS, incident_locations, location_step, quorum_summary
from monitors.streams import results_publish


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def incident_payload(incident: Incident) -> dict:
    """An incident as the events (``incident.created``, ``incident.resolved``) carry it."""
    return {
        "id": incident.pk,
        "started_at": _iso(incident.started_at),
        "resolved_at": _iso(incident.resolved_at),
        "error_message": incident.error_message,
        "cause": incident.cause,
        "status": incident.status,
        "locations": incident.locations,
    }


def _swap_status(monitor: Monitor, old: str, new: str, now: datetime, reason: str) -> bool:
    if not Monitor.objects.filter(pk=monitor.pk, status=old).update(status=new):
        return False
    StatusChange.objects.create(monitor=monitor, from_status=old, to_status=new, at=now, reason=reason[:500])
    monitor.status = new
    return True


def _channels(monitor: Monitor) -> list[int]:
    return list(monitor.notifications.values_list("id", flat=True))


def _parent_down(monitor: Monitor) -> bool:
    return monitor.depends_on.filter(status=MonitorStatus.DOWN).exists()


def _went_up(monitor: Monitor, old: str, now: datetime) -> None:
    """An open incident ends when the monitor passes, whatever it passed from: down, or pending after a
    pause and resume in the middle of an outage."""
    incident = Incident.objects.filter(monitor=monitor, status=IncidentStatus.OPEN).first()
    if incident is None:
        return
    Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
        status=IncidentStatus.RESOLVED, resolved_at=now
    )
    incident.refresh_from_db()
    quiet = incident.cause == IncidentCause.DEPENDENCY_DOWN
    channels = [] if quiet else _channels(monitor)
    payload = {"monitor": monitor.payload(), "incident": incident_payload(incident)}
    emit(
        monitor.organization_id,
        "monitor.up",
        payload,
        subject_type="monitor",
        subject_id=monitor.pk,
        channel_ids=channels,
    )
    emit(monitor.organization_id, "incident.resolved", payload, subject_type="monitor", subject_id=monitor.pk)


def _went_down(
    monitor: Monitor, outcome: CheckOutcome, now: datetime, locations: dict[str, str] | None = None
) -> None:
    cause = IncidentCause.DEPENDENCY_DOWN if _parent_down(monitor) else IncidentCause.FAILURE
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                organization_id=monitor.organization_id,
                monitor=monitor,
                cause=cause,
                started_at=outcome.started_at or now,  # when the failing check ran, not its batch
                error_message=outcome.error,
                locations=locations or {},
            )
    except IntegrityError:  # already open (a re-run batch): nothing new to say
        return
    # A dependent of a down parent is recorded, not notified: the parent's incident says it all.
    channels = [] if cause == IncidentCause.DEPENDENCY_DOWN else _channels(monitor)
    payload = {"monitor": monitor.payload(), "incident": incident_payload(incident)}
    emit(
        monitor.organization_id,
        "monitor.down",
        payload,
        subject_type="monitor",
        subject_id=monitor.pk,
        channel_ids=channels,
    )
    emit(monitor.organization_id, "incident.created", payload, subject_type="monitor", subject_id=monitor.pk)


def _certificate_watch(monitor: Monitor, days_left: int) -> None:
    """Warn once when a certificate's days left drop under ``cert_warn_days``; re-arm when it is renewed.
    The flag's compare-and-swap makes concurrent checks warn once."""
    expiring = days_left < monitor.cert_warn_days
    if expiring == monitor.cert_warned:
        return
    if not Monitor.objects.filter(pk=monitor.pk, cert_warned=not expiring).update(cert_warned=expiring):
        return
    monitor.cert_warned = expiring
    if not expiring:
        return
    emit(
        monitor.organization_id,
        "monitoring.threshold_exceeded",
        {
            "monitor": monitor.payload(),
            "metric": "cert_days_left",
            "operator": "<",
            "threshold": monitor.cert_warn_days,
            "current": days_left,
            "message": f"The TLS certificate of {monitor.target} expires in {days_left} days.",
        },
        subject_type="monitor",
        subject_id=monitor.pk,
        channel_ids=_channels(monitor),
    )


@transaction.atomic
def monitor_apply_outcome(*, monitor: Monitor, outcome: CheckOutcome, now: datetime) -> str:
    """Update the monitor from one outcome; returns its status afterwards."""
    fields = {
        "last_checked_at": now,
        "last_response_time_ms": outcome.response_time_ms,
        "last_error": outcome.error[:500],
    }
    if outcome.cert_days_left is not None:
        fields["cert_days_left"] = outcome.cert_days_left
        _certificate_watch(monitor, outcome.cert_days_left)
    if outcome.ok:
        Monitor.objects.filter(pk=monitor.pk).update(consecutive_failures=0, **fields)
        old = monitor.status
        if old in (MonitorStatus.PENDING, MonitorStatus.DOWN) and _swap_status(
            monitor, old, MonitorStatus.UP, now, "check passed"
        ):
            _went_up(monitor, old, now)
        return monitor.status
    Monitor.objects.filter(pk=monitor.pk).update(consecutive_failures=F("consecutive_failures") + 1, **fields)
    failures = monitor.consecutive_failures + 1
    if failures > monitor.retries:
        old = monitor.status
        if old in (MonitorStatus.PENDING, MonitorStatus.UP) and _swap_status(
            monitor, old, MonitorStatus.DOWN, now, outcome.error
        ):
            _went_down(monitor, outcome, now)
    else:  # still retrying: check again sooner than the normal interval
        Monitor.objects.filter(pk=monitor.pk).update(
            next_check_at=now + timedelta(seconds=monitor.retry_interval)
        )
    return monitor.status


def _quorum_transition(monitor: Monitor, old: str, view: dict, outcome: CheckOutcome, now: datetime) -> None:
    """The monitor's status from its locations' (a compare-and-swap from ``old``, as everywhere)."""
    monitor.status = old
    summary = quorum_summary(view)
    with transaction.atomic():
        if view["is_down"]:
            if old in (MonitorStatus.PENDING, MonitorStatus.UP) and _swap_status(
                monitor, old, MonitorStatus.DOWN, now, summary
            ):
                failed = CheckOutcome.failed(summary, started_at=outcome.started_at)
                _went_down(monitor, failed, now, incident_locations(view))
        elif (
            view["up"]
            and old in (MonitorStatus.PENDING, MonitorStatus.DOWN)
            and _swap_status(monitor, old, MonitorStatus.UP, now, "quorum of locations up")
        ):
            _went_up(monitor, old, now)


def monitors_apply_location_outcomes(
    *, checks: list[tuple[Monitor, CheckOutcome]], location: str, now: datetime
) -> dict[int, str]:
    """Monitors checked from several locations, a batch of outcomes from ``location``: each location row
    steps (its retries applied), then the quorum decides. The steady state costs a few queries per batch
    (rows and statuses read at once, written with one bulk update each, monitors locked in id order so
    two locations' batches never deadlock); a status change takes the one-monitor path. Returns each
    monitor's status afterwards."""
    checks = sorted(checks, key=lambda check: check[0].pk)
    ids = [monitor.pk for monitor, _ in checks]
    rows: dict[int, dict[str, MonitorLocation]] = {}
    for stored in MonitorLocation.objects.filter(monitor_id__in=ids):
        rows.setdefault(stored.monitor_id, {})[stored.location] = stored
    stepped: list[MonitorLocation] = []
    changed: list[Monitor] = []
    retrying: list[tuple[Monitor, MonitorLocation]] = []
    decided: list[tuple[Monitor, dict, CheckOutcome]] = []
    for monitor, outcome in checks:
        row = rows.get(monitor.pk, {}).get(location)
        if row is None:  # the location was taken off the monitor while its check ran
            continue
        if location_step(row=row, monitor=monitor, outcome=outcome, now=now):
            retrying.append((monitor, row))
        stepped.append(row)
        view = quorum_of(monitor, rows[monitor.pk], now)
        monitor.last_checked_at, monitor.last_response_time_ms = now, outcome.response_time_ms
        monitor.last_error = quorum_summary(view)[:500]
        monitor.consecutive_failures = len(view["down"])
        monitor.cert_days_left = outcome.cert_days_left
        changed.append(monitor)
        decided.append((monitor, view, outcome))
    fields = ["last_checked_at", "last_response_time_ms", "last_error", "consecutive_failures"]
    with transaction.atomic():
        locked = Monitor.objects.select_for_update().filter(pk__in=[m.pk for m in changed]).order_by("pk")
        statuses = dict(locked.values_list("pk", "status"))
        # Only the fields this outcome set: a due time or a certificate figure written from a stale copy
        # could move a schedule back (a probe's next claim) or undo another location's figure.
        rows_update(stepped, ROW_FIELDS)
        rows_update(changed, fields)
        rows_update([m for m in changed if m.cert_days_left is not None], ["cert_days_left"])
        for monitor, row in retrying:  # checked again sooner than the interval
            again = now + timedelta(seconds=monitor.retry_interval)
            if row.location == LOCAL:
                Monitor.objects.filter(pk=monitor.pk).update(next_check_at=again)
            else:
                MonitorLocation.objects.filter(pk=row.pk).update(next_check_at=again)
    for monitor, view, outcome in decided:
        if outcome.cert_days_left is not None:
            _certificate_watch(monitor, outcome.cert_days_left)
        old = statuses.get(monitor.pk, monitor.status)
        wants_down = view["is_down"] and old in (MonitorStatus.PENDING, MonitorStatus.UP)
        wants_up = not view["is_down"] and view["up"] and old in (MonitorStatus.PENDING, MonitorStatus.DOWN)
        if wants_down or wants_up:
            _quorum_transition(monitor, old, view, outcome, now)
        else:
            monitor.status = old
    return {monitor.pk: monitor.status for monitor, _ in checks}


def _still_there(
    checks: list[tuple[Monitor, CheckOutcome, datetime | None]],
) -> list[tuple[Monitor, CheckOutcome, datetime | None]]:
    alive = set(Monitor.objects.filter(pk__in={m.pk for m, _, _ in checks}).values_list("pk", flat=True))
    return [check for check in checks if check[0].pk in alive]


def monitors_record_outcomes(
    *, checks: list[tuple[Monitor, CheckOutcome, datetime | None]], now: datetime, location: str = LOCAL
) -> dict[str, int]:
    """Store the raw results (all from ``location``) in one insert, then apply each outcome. A monitor
    deleted while its check ran (seconds can pass) is left out: its result has nowhere to go."""
    checks = _still_there(checks)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                CheckResult.objects.bulk_create(
                    [
                        CheckResult(
                            monitor=m,
                            checked_at=o.started_at or now,
                            scheduled_for=due,
                            ok=o.ok,
                            response_time_ms=o.response_time_ms,
                            status_code=o.status_code,
                            error=o.error[:500],
                            location=location,
                        )
                        for m, o, due in checks
                    ]
                )
            break
        except IntegrityError:  # one was deleted between the look and the insert
            checks = _still_there(checks)
    counts: dict[str, int] = {}
    applied: list[tuple[Monitor, CheckOutcome, str]] = []
    several = [(m, o) for m, o, _ in checks if m.is_multi_location]
    by_quorum = (
        monitors_apply_location_outcomes(checks=several, location=location, now=now) if several else {}
    )
    for monitor, outcome, _ in checks:
        if monitor.is_multi_location:
            status = by_quorum.get(monitor.pk, monitor.status)
        else:
            status = monitor_apply_outcome(monitor=monitor, outcome=outcome, now=now)
        counts[status] = counts.get(status, 0) + 1
        applied.append((monitor, outcome, status))
    results_publish(applied, now)
    return counts
