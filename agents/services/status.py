"""An agent's status: derived from its heartbeats, health checks and recent requests, changed with a
compare-and-swap, and announced as ``monitoring.agent_status_changed``."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from agents.choices import AgentStatus
from agents.models import Agent, AgentStatusChange
from agents.status_selectors import derive_status
from monitoring_site.events import emit


def agent_status_set(*, agent: Agent, status: str, now: datetime, reason: str = "") -> bool:
    """Compare-and-swap from the status this copy holds; announce the change. False if someone else
    changed it first, or if it is unchanged."""
    old = agent.status
    if status == old:
        return False
    with transaction.atomic():
        if not Agent.objects.filter(pk=agent.pk, status=old).update(status=status):
            return False
        agent.status = status
        AgentStatusChange.objects.create(agent=agent, at=now, status=status, previous_status=old)
        emit(
            agent.organization,
            "monitoring.agent_status_changed",
            {"agent": agent.payload(), "previous_status": old, "current_status": status, "reason": reason},
            subject_type="agent",
            subject_id=agent.pk,
        )
    return True


def agent_status_refresh(*, agent: Agent, now: datetime | None = None) -> Agent:
    """Derive the agent's status again now and store it (announced when it changed)."""
    now = now or timezone.now()
    agent_status_set(agent=agent, status=derive_status(agent, now), now=now)
    return agent


def agents_evaluate_due(*, now: datetime | None = None) -> int:
    """Beat: agents silent past ``offline_at`` go offline (an indexed query on the due time); returns how
    many changed."""
    now = now or timezone.now()
    changed = 0
    due = Agent.objects.filter(offline_at__lte=now).exclude(
        status__in=[AgentStatus.OFFLINE, AgentStatus.PAUSED]
    )
    for agent in due.select_related("organization")[:1000]:
        changed += agent_status_set(
            agent=agent, status=AgentStatus.OFFLINE, now=now, reason="heartbeats stopped"
        )
    return changed
