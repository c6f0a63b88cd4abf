"""The agents' metrics in the registry, read from minute rollups (one point per minute with requests),
so alert rules and ``GET /metrics`` read them like any other. Scope: ``agent_id``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from agents.costs import estimated_cost_usd
from agents.models import Agent, AgentFleetRollup, AgentRollup, ModelPrice
from agents.totals import Totals
from monitoring_site.metrics.registry import MetricDefinition, register

SCOPES = ("agent_id",)


def _minutes(organization_id: int, start: datetime, end: datetime, scope: dict[str, Any]):
    """One agent's minute rollups, or (no ``agent_id``) the fleet's."""
    window = {
        "organization_id": organization_id,
        "resolution": "minute",
        "start__gte": start,
        "start__lt": end,
    }
    if scope.get("agent_id"):
        return AgentRollup.objects.filter(agent_id=scope["agent_id"], **window).order_by("start")
    return AgentFleetRollup.objects.filter(**window).order_by("start")


def _per_minute(organization_id, start, end, scope) -> dict[datetime, Totals]:
    minutes: dict[datetime, Totals] = defaultdict(Totals)
    for row in _minutes(organization_id, start, end, scope):
        minutes[row.start].add_rollup(row)
    return minutes


def points_from_totals(value, per_minute=None):
    """A registry reader: ``value`` of each minute's totals (``per_minute``: the agents' by default; the
    services' metrics pass their own), minutes without requests left out."""
    minutes = per_minute or _per_minute

    def points(organization_id, start, end, scope):
        return [
            (at, result)
            for at, totals in minutes(organization_id, start, end, scope).items()
            if totals.count and (result := value(totals)) is not None
        ]

    return points


def cost_points(organization_id, start, end, scope):
    prices = {p.model: p for p in ModelPrice.objects.filter(organization_id=organization_id)}
    costs: dict[datetime, float] = defaultdict(float)
    for row in _minutes(organization_id, start, end, scope):
        costs[row.start] += estimated_cost_usd(prices, row.model, row.input_tokens, row.output_tokens)
    return sorted(costs.items())


def heartbeat_age_points(organization_id, start, end, scope):
    """Seconds since each agent's last heartbeat, now (a gauge: one point per agent when now is in the
    window)."""
    now = timezone.now()
    if not start <= now < end:
        return []
    agents = Agent.objects.filter(organization_id=organization_id, last_heartbeat_at__isnull=False)
    if scope.get("agent_id"):
        agents = agents.filter(pk=scope["agent_id"])
    seen = agents.values_list("last_heartbeat_at", flat=True)
    return [(now, (now - at).total_seconds()) for at in seen if at is not None]


def register_agent_metrics() -> None:
    definitions = [
        ("avg_latency_ms", "ms", "Average request latency per minute.", lambda t: t.latency_sum / t.count),
        ("p50_latency_ms", "ms", "Median request latency per minute.", lambda t: t.sketch.quantile(0.5)),
        (
            "p95_latency_ms",
            "ms",
            "95th percentile request latency per minute.",
            lambda t: t.sketch.quantile(0.95),
        ),
        (
            "p99_latency_ms",
            "ms",
            "99th percentile request latency per minute.",
            lambda t: t.sketch.quantile(0.99),
        ),
        (
            "error_rate_percent",
            "%",
            "Failed requests per minute, in percent.",
            lambda t: 100 * t.failures / t.count,
        ),
        ("requests_per_minute", "requests", "Requests served per minute.", lambda t: float(t.count)),
        (
            "tokens",
            "tokens",
            "Input plus output tokens per minute.",
            lambda t: float(t.input_tokens + t.output_tokens),
        ),
    ]
    for name, unit, description, value in definitions:
        register(MetricDefinition(name, unit, description, "agents", points_from_totals(value), SCOPES))
    register(
        MetricDefinition(
            "cost_usd", "USD", "Estimated cost per minute at the model prices.", "agents", cost_points, SCOPES
        )
    )
    register(
        MetricDefinition(
            "heartbeat_age_seconds",
            "s",
            "Seconds since the agent's last heartbeat.",
            "agents",
            heartbeat_age_points,
            SCOPES,
        )
    )
