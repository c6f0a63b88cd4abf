"""Read queries of the monitors domain."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.db.models import Count

from monitors.choices import MonitorStatus
from monitors.models import Monitor

if TYPE_CHECKING:
    from alerts.models import MaintenanceWindow


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


def cron_next_runs(expression: str, zone: str, now: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` times a cron expression fires in its time zone (aware, in that zone), as the
    heartbeat form previews them. Raises ValueError for a bad expression or an unknown zone."""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone '{zone}'.") from exc
    if not expression or not croniter.is_valid(expression):
        raise ValueError("Not a valid cron expression (five fields: minute hour day month weekday).")
    runs = croniter(expression, now.astimezone(tz))
    return [runs.get_next(datetime) for _ in range(count)]
