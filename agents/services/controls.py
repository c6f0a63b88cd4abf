"""Controls: pause (with automatic resume), resume, restart and scale. Each is recorded on the agent and
sent to it as a command (in its heartbeat answers until it acknowledges it)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.choices import AgentStatus
from agents.models import Agent, AgentControl
from agents.services.status import agent_status_set
from agents.status_selectors import derive_status
from agents.streams import command_publish
from monitoring_site.audit.services import pause_record
from monitoring_site.errors import Conflict, RuleViolation
from monitoring_site.events import emit

MAX_PAUSE_MINUTES = 7 * 24 * 60
MAX_REPLICAS = 1000


def _record(agent: Agent, action: str, *, reason: str, by: str, previous: str, params: dict, now: datetime):
    """The audit entry, which is also the command the agent gets (now, if it is connected)."""
    control = AgentControl.objects.create(
        agent=agent,
        action=action,
        reason=reason[:500],
        by=by[:200],
        params=params,
        previous_status=previous,
        current_status=agent.status,
        issued_at=now,
    )
    command_publish(agent, control)
    return control


def _locked(agent: Agent) -> Agent:
    return Agent.objects.select_for_update().select_related("organization").get(pk=agent.pk)


def agent_pause(
    *, agent: Agent, reason: str = "", duration_minutes: Any = None, by: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """Pause the agent, until ``duration_minutes`` have passed when given (then it resumes by itself).
    409 ``agent_already_paused`` when it is paused."""
    now = now or timezone.now()
    if duration_minutes is not None and (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 1 <= duration_minutes <= MAX_PAUSE_MINUTES
    ):
        raise RuleViolation(
            "The pause is invalid.",
            details={"duration_minutes": [f"Whole minutes, 1 to {MAX_PAUSE_MINUTES}."]},
        )
    resume_at = now + timedelta(minutes=duration_minutes) if duration_minutes else None
    with transaction.atomic():
        agent = _locked(agent)
        if agent.status == AgentStatus.PAUSED:
            raise Conflict("The agent is already paused.", code="agent_already_paused")
        previous = agent.status
        agent.paused_until = resume_at
        agent.save(update_fields=["paused_until"])
        agent_status_set(agent=agent, status=AgentStatus.PAUSED, now=now, reason=reason or "paused")
        params = {"duration_minutes": duration_minutes} if duration_minutes else {}
        _record(
            agent, AgentControl.Action.PAUSE, reason=reason, by=by, previous=previous, params=params, now=now
        )
        pause_record(subject=agent, action="pause", by=by, at=now)
    return {
        "agent_id": agent.pk,
        "previous_status": previous,
        "current_status": agent.status,
        "paused_at": now,
        "resume_at": resume_at,
        # requests in flight finish on the agent; it stops taking new ones when it receives the command
        "active_requests_drained": True,
    }


def agent_resume(*, agent: Agent, reason: str = "", by: str = "", now: datetime | None = None) -> Agent:
    """Resume a paused agent (409 ``agent_not_paused`` otherwise); its status is derived again."""
    now = now or timezone.now()
    with transaction.atomic():
        agent = _locked(agent)
        if agent.status != AgentStatus.PAUSED:
            raise Conflict("The agent is not paused.", code="agent_not_paused")
        agent.paused_until = now  # the pause ends now: derivation no longer holds it paused
        agent.save(update_fields=["paused_until"])
        agent_status_set(agent=agent, status=derive_status(agent, now), now=now, reason=reason or "resumed")
        _record(
            agent,
            AgentControl.Action.RESUME,
            reason=reason,
            by=by,
            previous=AgentStatus.PAUSED,
            params={},
            now=now,
        )
        pause_record(subject=agent, action="resume", by=by, at=now)
    return agent


def agent_restart(
    *, agent: Agent, reason: str = "", force: bool = False, by: str = "", now: datetime | None = None
) -> Agent:
    """Ask the agent to restart (``force``: without draining); it shows as starting until it reports again.
    Publishes ``monitoring.agent_restarted``."""
    now = now or timezone.now()
    with transaction.atomic():
        agent = _locked(agent)
        if agent.status == AgentStatus.PAUSED:
            raise Conflict("Resume the agent before restarting it.", code="agent_paused")
        previous = agent.status
        agent_status_set(agent=agent, status=AgentStatus.STARTING, now=now, reason=reason or "restart")
        control = _record(
            agent,
            AgentControl.Action.RESTART,
            reason=reason,
            by=by,
            previous=previous,
            params={"force": bool(force)},
            now=now,
        )
        emit(
            agent.organization,
            "monitoring.agent_restarted",
            {
                "agent": agent.payload(),
                "reason": reason,
                "force": bool(force),
                "command_id": str(control.command_id),
            },
            subject_type="agent",
            subject_id=agent.pk,
        )
    return agent


def agent_scale(
    *, agent: Agent, replicas: Any, reason: str = "", by: str = "", now: datetime | None = None
) -> Agent:
    """Set the desired replicas and tell the agent."""
    now = now or timezone.now()
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 0 <= replicas <= MAX_REPLICAS:
        raise RuleViolation(
            "The scale is invalid.", details={"replicas": [f"A whole number, 0 to {MAX_REPLICAS}."]}
        )
    with transaction.atomic():
        agent = _locked(agent)
        previous_replicas = agent.desired_replicas
        agent.desired_replicas = replicas
        agent.save(update_fields=["desired_replicas"])
        _record(
            agent,
            AgentControl.Action.SCALE,
            reason=reason,
            by=by,
            previous=agent.status,
            params={"replicas": replicas, "previous_replicas": previous_replicas},
            now=now,
        )
    return agent


def commands_pending(*, agent: Agent, now: datetime | None = None) -> list[dict[str, Any]]:
    """The commands the agent has not acknowledged, oldest first; marked delivered."""
    now = now or timezone.now()
    pending = list(
        AgentControl.objects.filter(agent=agent, acknowledged_at__isnull=True).order_by("issued_at", "id")
    )
    AgentControl.objects.filter(pk__in=[c.pk for c in pending], delivered_at__isnull=True).update(
        delivered_at=now
    )
    return [control.command() for control in pending]


def command_acknowledge(*, agent: Agent, command_id: str, result: str = "", now: datetime | None = None):
    """The agent carried out (or refused, saying why in ``result``) one of its commands."""
    try:
        key = uuid.UUID(str(command_id))
    except ValueError:
        raise RuleViolation("Unknown command.", details={"command_id": ["Not a command id."]}) from None
    control = AgentControl.objects.filter(agent=agent, command_id=key).first()
    if control is None:
        raise RuleViolation(
            "Unknown command.", code="command_not_found", details={"command_id": ["Not found."]}
        )
    AgentControl.objects.filter(pk=control.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now or timezone.now(), result=str(result)[:500]
    )
    control.refresh_from_db()
    return control


def agents_resume_due(*, now: datetime | None = None) -> int:
    """Beat: paused agents whose ``paused_until`` has passed resume by themselves."""
    now = now or timezone.now()
    resumed = 0
    due = Agent.objects.filter(status=AgentStatus.PAUSED, paused_until__lte=now).select_related(
        "organization"
    )
    for agent in due[:1000]:
        try:
            agent_resume(agent=agent, reason="pause ended", by="schedule", now=now)
            resumed += 1
        except Conflict:  # resumed by someone else meanwhile
            continue
    return resumed
