"""Creating and changing monitors, and the operator's actions on them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from alerts.services.channels import channels_test
from monitoring_site.accounts.models import Organization
from monitoring_site.audit.services import pause_record
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import Conflict, RuleViolation
from monitoring_site.results import Created
from monitors.checks import expectation_error
from monitors.choices import MonitorStatus, MonitorType
from monitors.inputs import MonitorChanges, NewMonitor
from monitors.models import Monitor, StatusChange
from monitors.services.host_stats import host_grace, host_push_token_issue
from monitors.services.locations import locations_clean, locations_restart, locations_sync
from monitors.services.watched import related_errors, store

HTTP_TYPES = {MonitorType.WEBSITE, MonitorType.KEYWORD, MonitorType.JSON}


def _clean(organization: Organization, data: dict[str, Any], current: Monitor | None) -> dict[str, Any]:
    kind = data.get("type", current.type if current else None)
    target = data.get("target", current.target if current else "")
    errors: dict[str, list[str]] = {}
    if kind in HTTP_TYPES and urlsplit(target).scheme not in ("http", "https"):
        errors["target"] = ["A website monitor needs an http:// or https:// URL."]
    if kind == MonitorType.PORT and not data.get("port", current.port if current else None):
        errors["port"] = ["A port monitor needs a port."]
    if kind == MonitorType.KEYWORD and not data.get("keyword", current.keyword if current else ""):
        errors["keyword"] = ["A keyword monitor needs a keyword."]
    if kind == MonitorType.JSON and not data.get("json_path", current.json_path if current else ""):
        errors["json_path"] = ["A JSON monitor needs a json_path."]
    problem = expectation_error(data.get("json_expected", current.json_expected if current else ""))
    if problem:
        errors["json_expected"] = [problem]
    errors.update(related_errors(organization, data))
    errors.update(locations_clean(data, current))
    if kind == MonitorType.HOST and data.get("locations", ["local"]) != ["local"]:
        errors["locations"] = ["A host monitor is pushed to the platform: its only location is local."]
    if current is not None and current.pk in (data.get("depends_on") or []):
        errors["depends_on"] = ["A monitor cannot depend on itself."]
    if errors:
        raise RuleViolation("The monitor is invalid.", details=errors)
    return data


@transaction.atomic
def monitor_create(*, organization: Organization, new: NewMonitor) -> Created[Monitor]:
    """Create a monitor, its first check due now; the secret is a host monitor's push token, shown this
    once (empty for the other types)."""
    data = _clean(organization, new.given(), None)
    now = timezone.now()
    monitor = store(Monitor(organization=organization, next_check_at=now), data)
    locations_sync(monitor=monitor, now=now)
    if monitor.type == MonitorType.HOST:  # pushed stats are first due a grace after creation, not at once
        Monitor.objects.filter(pk=monitor.pk).update(next_check_at=now + host_grace(monitor))
        monitor.next_check_at = now + host_grace(monitor)
    push_token = host_push_token_issue(monitor=monitor) if monitor.type == MonitorType.HOST else ""
    return Created(monitor, push_token)


def monitor_test(*, monitor: Monitor, by: str) -> dict[str, Any]:
    """Send a test notification to each of the monitor's channels and report each outcome."""
    return {"monitor_id": monitor.pk, "results": channels_test(channels=monitor.notifications.all(), by=by)}


@transaction.atomic
def monitor_update(*, monitor: Monitor, changes: MonitorChanges) -> Monitor:
    """Change the fields ``changes`` gives, checked as on creation, and follow a change of locations."""
    monitor = store(monitor, _clean(monitor.organization, changes.given(), monitor))
    locations_sync(monitor=monitor, now=timezone.now())
    return monitor


@transaction.atomic
def monitors_bulk_update(
    *, organization: Organization, monitor_ids: list[int], changes: MonitorChanges
) -> list[Monitor]:
    """Apply the same ``changes`` to each of the organization's ``monitor_ids``, all or nothing (an unknown
    id is a 400)."""
    monitors = list(Monitor.objects.filter(organization=organization, pk__in=monitor_ids))
    missing = sorted(set(monitor_ids) - {m.pk for m in monitors})
    if missing:
        raise RuleViolation("Unknown monitors.", details={"monitor_ids": [f"Not found here: {missing}."]})
    return [monitor_update(monitor=m, changes=changes) for m in monitors]


@transaction.atomic
def monitor_pause(*, monitor: Monitor, by: str = "", now: datetime | None = None) -> Monitor:
    """Pause the monitor and record the change in its status history; 409 ``monitor_already_paused``."""
    old = monitor.status
    if not Monitor.objects.filter(pk=monitor.pk, is_paused=False).update(
        is_paused=True, status=MonitorStatus.PAUSED
    ):
        raise Conflict("The monitor is already paused.", code="monitor_already_paused")
    StatusChange.objects.create(
        monitor=monitor,
        from_status=old,
        to_status=MonitorStatus.PAUSED,
        at=now or timezone.now(),
        reason="paused",
    )
    pause_record(subject=monitor, action="pause", by=by, at=now)
    monitor.refresh_from_db()
    return monitor


@transaction.atomic
def monitor_resume(*, monitor: Monitor, by: str = "", now: datetime | None = None) -> Monitor:
    """Resume the monitor as pending, due now (a host monitor after its grace), recorded in its status
    history; 409 ``monitor_not_paused``."""
    now = now or timezone.now()
    due = now + host_grace(monitor) if monitor.type == MonitorType.HOST else now
    changed = Monitor.objects.filter(pk=monitor.pk, is_paused=True).update(
        is_paused=False, status=MonitorStatus.PENDING, consecutive_failures=0, next_check_at=due
    )
    if not changed:
        raise Conflict("The monitor is not paused.", code="monitor_not_paused")
    locations_restart(monitor=monitor, now=now)
    StatusChange.objects.create(
        monitor=monitor,
        from_status=MonitorStatus.PAUSED,
        to_status=MonitorStatus.PENDING,
        at=now,
        reason="resumed",
    )
    pause_record(subject=monitor, action="resume", by=by, at=now)
    monitor.refresh_from_db()
    return monitor


def monitor_delete(*, monitor: Monitor) -> None:
    """Delete the monitor with its results, rollups and incidents (while checks may still be storing
    results for it: see ``monitoring_site/deletion.py``)."""
    delete_cascading(monitor)


BULK_ACTIONS = ("pause", "resume", "delete")


def monitors_bulk_action(*, monitors: list[Monitor], action: str, by: str = "") -> int:
    """Pause, resume or delete each of ``monitors``; one already in the asked state is left as it is.
    Returns how many were changed."""
    if action not in BULK_ACTIONS:
        raise RuleViolation("Unknown action.", details={"action": [f"One of {', '.join(BULK_ACTIONS)}."]})
    changed = 0
    for monitor in monitors:
        try:
            if action == "delete":
                monitor_delete(monitor=monitor)
            elif action == "pause":
                monitor_pause(monitor=monitor, by=by)
            else:
                monitor_resume(monitor=monitor, by=by)
        except Conflict:  # already paused (or not paused): nothing to change
            continue
        changed += 1
    return changed


def monitor_extend(*, monitor: Monitor, hours: int | None = None, until: datetime | None = None) -> Monitor:
    """Push ``expires_at`` out by ``hours`` (from the later of now and the expiry) or to ``until``."""
    now = timezone.now()
    until = until or max(monitor.expires_at or now, now) + timedelta(hours=hours or 0)
    if until <= now:
        raise RuleViolation("The new expiry is in the past.", details={"until": ["Must be in the future."]})
    Monitor.objects.filter(pk=monitor.pk).update(expires_at=until, next_check_at=now)
    monitor.refresh_from_db()
    return monitor
