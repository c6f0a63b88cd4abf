"""Reads of a monitor's locations: what each one sees now, and its figures over the last 24 hours."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from jobs.models import Runner
from monitoring_site.metrics.selectors import percentile
from monitors.choices import MonitorStatus
from monitors.models import LOCAL, CheckResult, Monitor, MonitorLocation

WINDOW = timedelta(hours=24)


def _probes_by_location(organization_id: int, now: datetime) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for runner in Runner.objects.filter(organization_id=organization_id, enabled=True):
        for name in runner.locations or []:
            found[name].append({"id": runner.pk, "name": runner.name, "online": runner.is_online(now)})
    return found


def monitor_locations(monitor: Monitor, now: datetime) -> dict[str, Any]:
    """``locations``: one row per location of the monitor (its status, whether it counts in the quorum
    now, its last result, the probes serving it, uptime and latency percentiles over 24 hours from raw
    results); ``quorum``: how many must see it down, how many report, which see it down."""
    rows = {r.location: r for r in MonitorLocation.objects.filter(monitor=monitor)}
    view = quorum_of(monitor, rows, now)
    results: dict[str, list[tuple[bool, float | None]]] = defaultdict(list)
    raw = CheckResult.objects.filter(monitor=monitor, checked_at__gte=now - WINDOW).order_by()
    for location, ok, response_time in raw.values_list("location", "ok", "response_time_ms").iterator(
        chunk_size=5000
    ):
        results[location].append((ok, response_time))
    probes = _probes_by_location(monitor.organization_id, now)
    listed = []
    for name in monitor.locations or [LOCAL]:
        row = rows.get(name)
        checks = results.get(name, [])
        times = sorted(t for _, t in checks if t is not None)
        failures = sum(1 for ok, _ in checks if not ok)
        listed.append(
            {
                "location": name,
                "status": view["locations"][name]["status"],
                "in_quorum": view["locations"][name]["counted"],
                "last_checked_at": row.last_checked_at if row else None,
                "last_response_time_ms": row.last_response_time_ms if row else None,
                "last_error": row.last_error if row else "",
                "probes": [] if name == LOCAL else probes.get(name, []),
                "checks_24h": len(checks),
                "failures_24h": failures,
                "uptime_24h": round(100.0 * (len(checks) - failures) / len(checks), 3) if checks else None,
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95),
                "p99_ms": percentile(times, 0.99),
            }
        )
    quorum = {
        "needed": monitor.quorum_needed,
        "effective": view["needed"],
        "reporting": view["reporting"],
        "down": view["down"],
        "is_down": view["is_down"],
    }
    return {"locations": listed, "quorum": quorum}


def _grace(monitor: Monitor) -> timedelta:
    return timedelta(seconds=max(settings.PROBES_LOST_GRACE_SECONDS, 3 * monitor.check_interval))


def quorum_of(monitor: Monitor, rows: dict[str, MonitorLocation], now: datetime) -> dict[str, Any]:
    """What the locations say (``rows`` by location): each one's status and whether it counts (it
    reported within the grace, or it is new), which see it down and up, and the quorum that applies."""
    cutoff = now - _grace(monitor)
    seen: dict[str, dict[str, Any]] = {}
    for name in monitor.locations or [LOCAL]:
        row = rows.get(name)
        # A location counts while it reports, and while it is new (it has not had the grace to report).
        last = (row.last_checked_at or row.since) if row else None
        seen[name] = {
            "status": row.status if row else MonitorStatus.PENDING,
            "counted": bool(last and last >= cutoff),
            "error": row.last_error if row else "",
        }
    live = [v for v in seen.values() if v["counted"]]
    down = [name for name, v in seen.items() if v["counted"] and v["status"] == MonitorStatus.DOWN]
    up = [name for name, v in seen.items() if v["counted"] and v["status"] == MonitorStatus.UP]
    needed = min(monitor.quorum_needed, len(live))
    return {
        "locations": seen,
        "down": down,
        "up": up,
        "reporting": len(down) + len(up),
        "needed": needed,
        "is_down": needed > 0 and len(down) >= needed,
    }
