"""Who is sending: an agent's ingest token (everything sent is that agent's) or an organization's
write-scope API key (each resource names its agent by ``service.instance.id`` or ``service.name``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q

from agents.inputs import NewAgent
from agents.models import Agent
from agents.otlp.protocol import OtlpError
from agents.services.agents import TOKEN_PREFIX, agent_by_token, agent_create
from agents.services.logs import log_lines_adopt
from monitoring_site.accounts.authentication import bearer_token
from monitoring_site.accounts.choices import ApiKeyScope
from monitoring_site.accounts.models import ApiKey, Organization
from monitoring_site.accounts.services import api_key_authenticate


@dataclass
class Sender:
    organization_id: int
    agent: Agent | None = None  # set for an agent's ingest token
    _agents: dict[tuple[str, str], Agent | None] = field(default_factory=dict)
    _registering: set[tuple[str, str]] = field(default_factory=set)  # tried once per request

    def agent_for(self, service: str, instance: str, *, create: bool) -> Agent | None:
        """The agent a resource's telemetry belongs to. With an organization key: the agent whose
        external id is the ``service.instance.id``, else the one whose external id or name is the
        ``service.name``; created (named after the service) when ``create`` and
        ``OTLP_AUTO_REGISTER_AGENTS`` allow. Looked up once per request."""
        if self.agent is not None:
            return self.agent
        key = (service, instance)
        if key not in self._agents or (create and key not in self._registering and self._agents[key] is None):
            if create:
                self._registering.add(key)
            self._agents[key] = self._find(service, instance) or (
                self._register(service) if create and service else None
            )
        return self._agents[key]

    def _find(self, service: str, instance: str) -> Agent | None:
        agents = Agent.objects.select_related("organization").filter(organization_id=self.organization_id)
        if instance:
            found = agents.filter(external_id=instance).first()
            if found is not None:
                return found
        if not service:
            return None
        return agents.filter(Q(external_id=service) | Q(name=service)).order_by("-external_id").first()

    def _register(self, service: str) -> Agent | None:
        if not settings.OTLP_AUTO_REGISTER_AGENTS:
            return None
        organization = Organization.objects.get(pk=self.organization_id)
        try:
            agent, _token = agent_create(
                organization=organization, new=NewAgent(name=service, type="otel")
            )  # the ingest token is not needed: this agent sends with the organization's key
        except IntegrityError:  # another batch registered it first
            return self._find(service, "")
        log_lines_adopt(agent=agent, service=service)
        return agent


def sender_of(request) -> Sender:
    raw = bearer_token(request) or ""
    if raw.startswith(TOKEN_PREFIX):
        agent = agent_by_token(raw)
        if agent is None:
            raise OtlpError(401, "Unknown agent ingest token.")
        return Sender(organization_id=agent.organization_id, agent=agent)
    if raw.startswith(ApiKey.PREFIX):
        api_key = api_key_authenticate(raw)
        if api_key is None:
            raise OtlpError(401, "The API key is invalid or has been revoked.")
        if api_key.scope != ApiKeyScope.WRITE:
            raise OtlpError(403, "This API key has read scope; sending telemetry needs a write-scope key.")
        return Sender(organization_id=api_key.organization_id)
    raise OtlpError(
        401,
        "Send 'Authorization: Bearer <agent ingest token or write-scope API key>' "
        "(OTEL_EXPORTER_OTLP_HEADERS).",
    )
