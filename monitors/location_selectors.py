"""Reads of a monitor's locations: what each one sees now, and its figures over the last 24 hours."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from jobs.models import Runner
from monitoring_site.metrics.selectors import percentile
from monitors.models import LOCAL, CheckResult, Monitor, MonitorLocation
from monitors.services.locations import quorum_of

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
