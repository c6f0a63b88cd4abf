"""The ``restart`` remediation action for alert rules: restarts the agent the rule is scoped to
(``scope: {"agent_id": n}``) or the one named in ``auto_remediate.params.agent_id``."""

from __future__ import annotations

from typing import Any

from agents.models import Agent
from agents.services.controls import agent_restart


def restart(alert: Any) -> str:
    rule = alert.rule
    params = (rule.auto_remediate or {}).get("params") or {}
    agent_id = params.get("agent_id") or (rule.scope or {}).get("agent_id")
    agent = Agent.objects.filter(organization_id=alert.organization_id, pk=int(agent_id or 0)).first()
    if agent is None:
        raise LookupError(f"no agent {agent_id!r} in this organization")
    agent_restart(agent=agent, reason=f"alert {alert.pk}: {alert.title}"[:500], by="remediation")
    return f"restart requested for agent {agent.name}"
