"""What every view of the AI agent monitoring surface shares: tenant_id, agents and alerts by the
document's ids, and the document's names for levels, alert types and health states."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from agents import selectors as agent_selectors
from agents.models import Agent, LogLevel
from agents.selectors import agent_by_ref, agents_of
from alerts.models import Alert
from alerts.selectors import alert_of
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.selectors import organization_by_ref
from monitoring_site.api.tenancy import tenant_in_organization
from monitoring_site.compat.base import CompatView
from monitoring_site.errors import NotFound, RuleViolation

GROUPS = ("requests", "latency", "tokens", "errors")
PERIODS = {**agent_selectors.PERIODS, "30d": timedelta(days=30)}
LEVELS_IN = {"warn": LogLevel.WARNING}
LEVELS_OUT = {LogLevel.WARNING: "warn"}
ALERT_TYPES = {
    "avg_latency_ms": "high_latency",
    "p50_latency_ms": "high_latency",
    "p95_latency_ms": "high_latency",
    "p99_latency_ms": "high_latency",
    "heartbeat_age_seconds": "offline",
    "error_rate_percent": "high_error_rate",
    "cost_usd": "high_cost",
    "tokens": "high_token_usage",
}
HEALTH = {"ok": "healthy", "degraded": "degraded", "down": "unhealthy"}


class InvalidMetric(RuleViolation):
    code = "invalid_metric"


def agent_ref(agent: Agent) -> str:
    return agent.external_id or str(agent.pk)


class MonitoringView(CompatView):
    extra_params = ("tenant_id",)

    def check_permissions(self, request):
        raw = request.query_params.get("tenant_id")
        if raw and request.user is not None and request.user.is_authenticated:
            organization = organization_by_ref(raw)
            if organization is None:
                raise NotFound(f"No tenant {raw}.", code="tenant_not_found")
            request._tenant = tenant_in_organization(request, organization.pk)
        super().check_permissions(request)

    @property
    def organization(self) -> Organization:
        return self.tenant.organization

    def agents(self) -> QuerySet[Agent]:
        return agents_of(self.organization.pk)

    def agent(self, ref: str) -> Agent:
        found = agent_by_ref(self.organization.pk, ref)
        if found is None:
            raise NotFound(f"No agent {ref}.", code="agent_not_found")
        return found

    def agent_pk(self, ref: str | None) -> int | None:
        """The agent a filter names (0, matching nothing, when there is no such agent)."""
        if not ref:
            return None
        try:
            return self.agent(ref).pk
        except NotFound:
            return 0

    def refs(self, pks: set[int]) -> dict[int, str]:
        return {a.pk: agent_ref(a) for a in self.agents().filter(pk__in=pks).only("pk", "external_id")}

    def alert(self, ref: str) -> Alert:
        found = alert_of(self.organization.pk, ref)
        if found is None:
            raise NotFound(f"No alert {ref}.", code="alert_not_found")
        return found
