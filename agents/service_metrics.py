"""The services' metrics (from OTLP spans that are no GenAI call) in the registry, read from their minute
rollups: one point per minute with requests, so alert rules and ``GET /metrics`` read them like any
other. Scope: ``service`` (the ``service.name``); without it, every service of the organization."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from agents.metrics import points_from_totals
from agents.models import ServiceRollup
from agents.totals import Totals
from monitoring_site.metrics.registry import MetricDefinition, register

SCOPES = ("service",)


def _per_minute(organization_id: int, start: datetime, end: datetime, scope: dict[str, Any]):
    rows = ServiceRollup.objects.filter(
        organization_id=organization_id, resolution="minute", start__gte=start, start__lt=end
    )
    if scope.get("service"):
        rows = rows.filter(service=scope["service"])
    minutes: dict[datetime, Totals] = defaultdict(Totals)
    for row in rows.order_by("start"):
        minutes[row.start].add_rollup(row)
    return minutes


DEFINITIONS = (
    ("service_requests_per_minute", "requests", "Entry spans per minute.", lambda t: float(t.count)),
    (
        "service_error_rate_percent",
        "%",
        "Entry spans with an error status per minute, in percent.",
        lambda t: 100 * t.failures / t.count,
    ),
    (
        "service_avg_latency_ms",
        "ms",
        "Average entry-span duration per minute.",
        lambda t: t.latency_sum / t.count,
    ),
    (
        "service_p50_latency_ms",
        "ms",
        "Median entry-span duration per minute.",
        lambda t: t.sketch.quantile(0.5),
    ),
    (
        "service_p95_latency_ms",
        "ms",
        "95th percentile entry-span duration per minute.",
        lambda t: t.sketch.quantile(0.95),
    ),
    (
        "service_p99_latency_ms",
        "ms",
        "99th percentile entry-span duration per minute.",
        lambda t: t.sketch.quantile(0.99),
    ),
)


def register_service_metrics() -> None:
    for name, unit, description, value in DEFINITIONS:
        register(
            MetricDefinition(
                name, unit, description, "agents", points_from_totals(value, _per_minute), SCOPES
            )
        )
