"""Read queries of the monitors domain."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from alerts.models import MaintenanceWindow
from monitors.choices import MonitorStatus
from monitors.models import Monitor


def maintenance_in_effect(organization_id: int, now: datetime) -> list[MaintenanceWindow]:
    """The organization's maintenance windows open at ``now`` (one query; recurrence is read in Python)."""
    windows = MaintenanceWindow.objects.filter(organization_id=organization_id, is_active=True)
    return [w for w in windows if w.is_in_effect(now)]


def display_status(monitor: Monitor, windows: list[MaintenanceWindow]) -> str:
    """The status shown to people: ``maintenance`` while a window covers an unpaused monitor."""
    if not monitor.is_paused and any(w.covers("monitor", monitor.pk) for w in windows):
        return "maintenance"
    return monitor.status


def status_counts(organization_id: int) -> dict[str, int]:
    """How many of the organization's monitors are in each stored status (every status, zeros too)."""
    rows = Monitor.objects.filter(organization_id=organization_id).order_by().values_list("status")
    counts = dict(rows.annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in MonitorStatus.values}
