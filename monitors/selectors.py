"""Read queries of the monitors domain."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.db.models import Count, OuterRef, Subquery

from monitors.choices import MonitorStatus
from monitors.models import HostStat, Monitor

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


def monitors_with_latest_stat(organization_id: int) -> list[tuple[Monitor, HostStat | None]]:
    """The organization's monitors in id order, each with its latest pushed host stat (None for a monitor
    that has none): two queries whatever the count."""
    latest = HostStat.objects.filter(monitor=OuterRef("pk")).order_by("-received_at", "-id").values("pk")
    monitors = list(
        Monitor.objects.filter(organization_id=organization_id)
        .annotate(stat_id=Subquery(latest[:1]))
        .order_by("id")
    )
    stat_ids = {m.pk: getattr(m, "stat_id", None) for m in monitors}  # the annotation above
    stats = HostStat.objects.in_bulk([pk for pk in stat_ids.values() if pk])
    return [(m, stats.get(stat_ids[m.pk] or 0)) for m in monitors]
