"""How an agent's status is derived: its recent figures, its issues and the status they give (reads
only; ``agents.services.status`` writes the result)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Sum

from agents.choices import AgentStatus, CheckStatus
from agents.models import Agent, AgentRollup
from monitoring_site.time_buckets import MINUTE, Resolution, floor_to

RECENT = timedelta(minutes=5)  # the window of requests the latency and error-rate thresholds look at


Figures = dict[str, float | int | None]


def _figures(count: int, failures: int | None, latency: float | None) -> Figures:
    return {
        "count": count,
        "error_rate": 100.0 * (failures or 0) / count if count else None,
        "avg_latency_ms": (latency or 0.0) / count if count else None,
    }


def _recent_rollups(now: datetime):
    return AgentRollup.objects.filter(
        resolution=Resolution.MINUTE, start__gte=floor_to(now - RECENT, MINUTE), start__lte=now
    )


def recent_figures(agent: Agent, now: datetime) -> Figures:
    """Requests of the last five minutes: count, error rate (%) and average latency (ms). Read from the
    agent's minute rollups (the five whole minutes before ``now`` and the current one), not from raw
    events: this runs for every telemetry batch, and an agent serving thousands of requests a second has
    hundreds of thousands of events in five minutes."""
    figures = (
        _recent_rollups(now)
        .filter(agent=agent)
        .aggregate(count=Sum("count"), failures=Sum("failures"), latency=Sum("latency_sum"))
    )
    return _figures(figures["count"] or 0, figures["failures"], figures["latency"])


def recent_figures_many(agents: list[Agent], now: datetime) -> dict[int, Figures]:
    """``recent_figures`` of each agent, in one query (a list page's worth of agents)."""
    rows = (
        _recent_rollups(now)
        .filter(agent_id__in=[a.pk for a in agents])
        .order_by()
        .values("agent_id")
        .annotate(count=Sum("count"), failures=Sum("failures"), latency=Sum("latency_sum"))
    )
    found = {row["agent_id"]: _figures(row["count"] or 0, row["failures"], row["latency"]) for row in rows}
    return {a.pk: found.get(a.pk) or _figures(0, None, None) for a in agents}


def issues_many(agents: list[Agent], now: datetime) -> dict[int, list[dict[str, str]]]:
    """``issues_of`` each agent, with one query for all of them."""
    figures = recent_figures_many(agents, now)
    return {a.pk: issues_of(a, now, figures[a.pk]) for a in agents}


def issues_of(agent: Agent, now: datetime, figures: Figures | None = None) -> list[dict[str, str]]:
    """Why the agent is not healthy: failing health checks and crossed thresholds (empty when it is);
    ``figures`` are its ``recent_figures`` when the caller has them already."""
    issues = [
        {"type": "health_check_failed", "message": f"Health check {check.get('name')} fails."}
        for check in agent.health_checks or []
        if check.get("status") == CheckStatus.FAIL
    ]
    figures = figures if figures is not None else recent_figures(agent, now)
    if figures["error_rate"] is not None and figures["error_rate"] > agent.error_rate_threshold_percent:
        issues.append(
            {
                "type": "high_error_rate",
                "message": f"{figures['error_rate']:.1f} % of requests failed in the last 5 minutes "
                f"(threshold {agent.error_rate_threshold_percent:g} %).",
            }
        )
    latency = figures["avg_latency_ms"]
    if (
        latency is not None
        and agent.latency_threshold_ms is not None
        and latency > agent.latency_threshold_ms
    ):
        issues.append(
            {
                "type": "high_latency",
                "message": f"Average latency {latency:.0f} ms in the last 5 minutes "
                f"(threshold {agent.latency_threshold_ms:g} ms).",
            }
        )
    return issues


def derive_status(agent: Agent, now: datetime) -> str:
    """Paused (until ``paused_until``) wins; then offline after ``offline_after_seconds`` of silence; then
    the agent's own starting or stopping; then degraded when it has issues or says so; else healthy."""
    if agent.status == AgentStatus.PAUSED and (agent.paused_until is None or agent.paused_until > now):
        return AgentStatus.PAUSED
    if agent.last_heartbeat_at is None or now - agent.last_heartbeat_at > timedelta(
        seconds=agent.offline_after_seconds
    ):
        return AgentStatus.OFFLINE
    if agent.reported_status in (AgentStatus.STARTING, AgentStatus.STOPPING):
        return agent.reported_status
    if agent.reported_status == AgentStatus.DEGRADED or issues_of(agent, now):
        return AgentStatus.DEGRADED
    return AgentStatus.HEALTHY
