"""How an agent's status is derived: its recent figures, its issues and the status they give (reads
only; ``agents.services.status`` writes the result)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Sum

from agents.choices import AgentStatus, CheckStatus
from agents.models import Agent, AgentRollup
from monitoring_site.time_buckets import MINUTE, floor_to

RECENT = timedelta(minutes=5)  # the window of requests the latency and error-rate thresholds look at


def recent_figures(agent: Agent, now: datetime) -> dict[str, float | int | None]:
    """Requests of the last five minutes: count, error rate (%) and average latency (ms). Read from the
    agent's minute rollups (the five whole minutes before ``now`` and the current one), not from raw
    events: this runs for every telemetry batch, and an agent serving thousands of requests a second has
    hundreds of thousands of events in five minutes."""
    figures = AgentRollup.objects.filter(
        agent=agent,
        resolution=AgentRollup.Resolution.MINUTE,
        start__gte=floor_to(now - RECENT, MINUTE),
        start__lte=now,
    ).aggregate(count=Sum("count"), failures=Sum("failures"), latency=Sum("latency_sum"))
    count = figures["count"] or 0
    return {
        "count": count,
        "error_rate": 100.0 * (figures["failures"] or 0) / count if count else None,
        "avg_latency_ms": figures["latency"] / count if count else None,
    }


def issues_of(agent: Agent, now: datetime) -> list[dict[str, str]]:
    """Why the agent is not healthy: failing health checks and crossed thresholds (empty when it is)."""
    issues = [
        {"type": "health_check_failed", "message": f"Health check {check.get('name')} fails."}
        for check in agent.health_checks or []
        if check.get("status") == CheckStatus.FAIL
    ]
    figures = recent_figures(agent, now)
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
