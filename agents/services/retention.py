"""Deleting agent data past its retention (settings ``AGENT_*_RETENTION_DAYS``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from agents.models import (
    AgentFleetRollup,
    AgentLog,
    AgentRequestEvent,
    AgentRollup,
    ServiceRollup,
    TraceSpan,
)
from monitoring_site.retention import delete_older_than


def agents_prune(*, now: datetime | None = None) -> int:
    """Delete request events, spans, log lines and rollups past their retention; returns how many rows."""
    now = now or timezone.now()
    deleted = delete_older_than(
        AgentRequestEvent, "timestamp", now - timedelta(days=settings.AGENT_EVENT_RETENTION_DAYS)
    )
    deleted += delete_older_than(
        TraceSpan, "start", now - timedelta(days=settings.AGENT_EVENT_RETENTION_DAYS)
    )
    deleted += delete_older_than(
        AgentLog, "timestamp", now - timedelta(days=settings.AGENT_LOG_RETENTION_DAYS)
    )
    for resolution, days in settings.AGENT_ROLLUP_RETENTION_DAYS.items():
        for model in (AgentRollup, AgentFleetRollup, ServiceRollup):
            deleted += delete_older_than(
                model, "start", now - timedelta(days=days), where={"resolution": resolution}
            )
    return deleted
