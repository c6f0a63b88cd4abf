"""Agents in configuration files (``monitoring_site.configuration``). An agent's ingest token is never
exported; an agent created by an apply gets a new one, returned once in the apply's ``secrets``."""

from __future__ import annotations

from agents.api.serializers import AgentSerializer
from agents.inputs import AgentChanges, NewAgent
from agents.models import Agent
from agents.services import agents as agent_services
from monitoring_site.configuration.registry import ConfigKind, register


def register_configuration() -> None:
    register(
        ConfigKind(
            name="agents",
            queryset=lambda org: Agent.objects.filter(organization=org),
            serializer=AgentSerializer,
            create=lambda tenant, data: agent_services.agent_create(
                organization=tenant.organization, new=NewAgent.of(data)
            ),
            update=lambda tenant, obj, data: agent_services.agent_update(
                agent=obj, changes=AgentChanges.of(data)
            ),
        )
    )
