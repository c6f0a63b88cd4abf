"""Read queries of the monitors domain."""

from __future__ import annotations

from datetime import datetime

from alerts.models import MaintenanceWindow
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
