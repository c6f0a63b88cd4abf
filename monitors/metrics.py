"""The monitors' metrics in the registry, so alert rules and ``GET /metrics`` read them like any other."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitoring_site.metrics.registry import MetricDefinition, register
from monitors.models import CheckResult, Heartbeat, HeartbeatPing, HostStat, Monitor


def _results(organization_id: int, start: datetime, end: datetime, scope: dict[str, Any]):
    results = CheckResult.objects.filter(
        monitor__organization_id=organization_id, checked_at__gte=start, checked_at__lt=end
    )
    if scope.get("monitor_id"):
        results = results.filter(monitor_id=scope["monitor_id"])
    if scope.get("location"):  # one location's checks (docs/probes.md)
        results = results.filter(location=scope["location"])
    return results


def response_time_points(organization_id, start, end, scope):
    rows = _results(organization_id, start, end, scope).filter(response_time_ms__isnull=False)
    return rows.values_list("checked_at", "response_time_ms")


def uptime_points(organization_id, start, end, scope):
    """Each check as 100 (passed) or 0 (failed): the average over a window is the uptime percentage."""
    return [
        (at, 100.0 if ok else 0.0)
        for at, ok in _results(organization_id, start, end, scope).values_list("checked_at", "ok")
    ]


def failure_points(organization_id, start, end, scope):
    return [
        (at, 0.0 if ok else 1.0)
        for at, ok in _results(organization_id, start, end, scope).values_list("checked_at", "ok")
    ]


def _state_field(field: str):
    """A monitor's current value of ``field``, stamped with its last check (the value as of then)."""

    def points(organization_id, start, end, scope):
        monitors = Monitor.objects.filter(
            organization_id=organization_id,
            last_checked_at__gte=start,
            last_checked_at__lt=end,
            **{f"{field}__isnull": False},
        )
        if scope.get("monitor_id"):
            monitors = monitors.filter(pk=scope["monitor_id"])
        return monitors.values_list("last_checked_at", field)

    return points


def heartbeat_duration_points(organization_id, start, end, scope):
    """Each finished run's duration (seconds from its start signal to its success)."""
    pings = HeartbeatPing.objects.filter(
        heartbeat__organization_id=organization_id,
        received_at__gte=start,
        received_at__lt=end,
        duration__isnull=False,
    )
    if scope.get("heartbeat_id"):
        pings = pings.filter(heartbeat_id=scope["heartbeat_id"])
    return pings.values_list("received_at", "duration")


def minutes_since_ping_points(organization_id, start, end, scope):
    """Per heartbeat, one point at ``end``: minutes since its last ping (heartbeats never pinged: none)."""
    heartbeats = Heartbeat.objects.filter(organization_id=organization_id, last_ping_at__isnull=False)
    if scope.get("heartbeat_id"):
        heartbeats = heartbeats.filter(pk=scope["heartbeat_id"])
    return [
        (end, (end - at).total_seconds() / 60) for at in heartbeats.values_list("last_ping_at", flat=True)
    ]


def _host_field(field: str):
    def points(organization_id, start, end, scope):
        stats = HostStat.objects.filter(
            monitor__organization_id=organization_id,
            received_at__gte=start,
            received_at__lt=end,
            **{f"{field}__isnull": False},
        )
        if scope.get("monitor_id"):
            stats = stats.filter(monitor_id=scope["monitor_id"])
        return stats.values_list("received_at", field)

    return points


def register_monitor_metrics() -> None:
    scopes = ("monitor_id",)
    checks = ("monitor_id", "location")  # each check result carries the location it ran from
    register(
        MetricDefinition(
            "response_time_ms", "ms", "Response time of each check.", "monitors", response_time_points, checks
        )
    )
    register(
        MetricDefinition("uptime_percent", "%", "Share of passed checks.", "monitors", uptime_points, checks)
    )
    register(
        MetricDefinition(
            "check_failures",
            "count",
            "1 for each failed check, 0 for each passed one.",
            "monitors",
            failure_points,
            checks,
        )
    )
    register(
        MetricDefinition(
            "cert_days_left",
            "days",
            "Days until the TLS certificate expires, as of the last check.",
            "monitors",
            _state_field("cert_days_left"),
            scopes,
        )
    )
    register(
        MetricDefinition(
            "consecutive_failures",
            "count",
            "Failed checks in a row, as of the last check.",
            "monitors",
            _state_field("consecutive_failures"),
            scopes,
        )
    )
    beats = ("heartbeat_id",)
    register(
        MetricDefinition(
            "heartbeat_last_duration",
            "s",
            "Duration of each heartbeat run, from its start signal to its success.",
            "monitors",
            heartbeat_duration_points,
            beats,
        )
    )
    register(
        MetricDefinition(
            "heartbeat_minutes_since_last_ping",
            "min",
            "Minutes since each heartbeat's last ping, as of the end of the window.",
            "monitors",
            minutes_since_ping_points,
            beats,
        )
    )
    for field, label in (("cpu", "CPU"), ("mem", "memory"), ("cache", "cache")):
        register(
            MetricDefinition(
                f"host_{field}_percent",
                "%",
                f"{label} in use, pushed by host monitors.",
                "monitors",
                _host_field(field),
                scopes,
            )
        )
