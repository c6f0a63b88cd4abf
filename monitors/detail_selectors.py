"""What a monitor's page reads: the response-time series for the chart (any range, from the first check:
rollups where they exist, raw results for what they do not cover yet), the figures over the range, and
the monitor's events (status changes and the maintenance windows that covered it) with their durations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alerts.selectors import maintenance_one_off_since
from monitoring_site.time_buckets import floor_to
from monitors.models import Monitor
from monitors.models.rollups import Resolution
from monitors.rollup_selectors import SIZE, Totals, window, window_totals

# The chart's ranges: how far back and the bucket each point sums (about 60 to 1,500 points).
CHART_RANGES: dict[str, tuple[timedelta, str]] = {
    "1h": (timedelta(hours=1), Resolution.MINUTE),
    "24h": (timedelta(hours=24), Resolution.MINUTE),
    "7d": (timedelta(days=7), Resolution.HOUR),
    "30d": (timedelta(days=30), Resolution.HOUR),
    "90d": (timedelta(days=90), Resolution.DAY),
}
DEFAULT_RANGE = "24h"
EVENTS_MAX = 50


def chart_range(value: str) -> str:
    return value if value in CHART_RANGES else DEFAULT_RANGE


def response_series(monitor_id: int, period: str, now: datetime) -> dict[str, Any]:
    """The chart's data, as uPlot takes it: ``t`` (bucket starts, Unix seconds), ``avg`` and ``p95``
    (milliseconds, ``None`` where the bucket had no timed check) and ``failed`` (failed checks per bucket),
    plus the range's own figures (``summary``: checks, uptime, p50/p95/p99 over the whole range)."""
    length, bucket = CHART_RANGES[chart_range(period)]
    step = SIZE[Resolution(bucket)]
    start = floor_to(now - length, step)
    span = window(start, bucket, Resolution.MINUTE, raw=True)
    found = window_totals(span, [monitor_id], step, quantiles=True)
    by_start = {at: totals for (_, at), totals in found.items() if at is not None}
    t: list[int] = []
    avg: list[float | None] = []
    p95: list[float | None] = []
    failed: list[int] = []
    whole = Totals()
    moment = start
    while moment <= now:
        totals = by_start.get(moment)
        t.append(int(moment.timestamp()))
        avg.append(totals.rt_avg if totals else None)
        p95.append(totals.quantile(0.95) if totals else None)
        failed.append(totals.failures if totals else 0)
        if totals:
            whole.count += totals.count
            whole.failures += totals.failures
            whole.rt_count += totals.rt_count
            whole.rt_sum += totals.rt_sum
            whole.sketch.merge(totals.sketch)
        moment += step
    return {
        "period": chart_range(period),
        "bucket_seconds": int(step.total_seconds()),
        "t": t,
        "avg": avg,
        "p95": p95,
        "failed": failed,
        "summary": {
            "checks": whole.count,
            "uptime": whole.uptime,
            "avg": whole.rt_avg,
            "p50": whole.quantile(0.5),
            "p95": whole.quantile(0.95),
            "p99": whole.quantile(0.99),
        },
    }


@dataclass(frozen=True)
class MonitorEvent:
    """One line of the events list: what the monitor became, when, why, and for how long."""

    at: datetime
    kind: str  # a status (down, up, paused, pending) or "maintenance"
    reason: str
    until: datetime | None  # None: still so
    lasted: timedelta  # to ``until``, or so far


def monitor_events(monitor: Monitor, now: datetime, limit: int = EVENTS_MAX) -> list[MonitorEvent]:
    """The latest status changes, each lasting until the next, and the one-off maintenance windows of the
    last 90 days that covered the monitor; newest first."""
    changes = list(monitor.status_changes.order_by("-at", "-id")[:limit])
    events: list[MonitorEvent] = []
    until: datetime | None = None
    for change in changes:
        lasted = (until or now) - change.at
        events.append(MonitorEvent(change.at, change.to_status, change.reason, until, lasted))
        until = change.at
    for w in maintenance_one_off_since(monitor.organization_id, now - timedelta(days=90), now):
        if w.covers("monitor", monitor.pk):
            assert w.starts_at is not None and w.ends_at is not None
            ended = w.ends_at if w.ends_at <= now else None
            lasted = min(w.ends_at, now) - w.starts_at
            events.append(MonitorEvent(w.starts_at, "maintenance", w.name, ended, lasted))
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:limit]


def certificate_expires(monitor: Monitor) -> datetime | None:
    """When the certificate seen at the last check runs out, to the day (checks store days left)."""
    if monitor.cert_days_left is None or monitor.last_checked_at is None:
        return None
    return monitor.last_checked_at + timedelta(days=monitor.cert_days_left)
