"""The dashboard, the agent list and an agent's detail, in the document's shapes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response

from agents import selectors as agent_selectors
from agents.choices import AgentStatus
from agents.models import Agent
from agents.status_selectors import issues_many
from alerts.choices import Severity
from monitoring_site.compat.agent_monitoring.base import (
    MonitoringView,
    agent_ref,
)
from monitoring_site.compat.base import iso


class DashboardQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(agent_selectors.PERIODS), required=False, default="24h")


def _issue_severity(kind: str) -> str:
    return Severity.CRITICAL if kind == "offline" else Severity.WARNING


class DashboardView(MonitoringView):
    query_serializer = DashboardQuery

    def get(self, request):
        now = timezone.now()
        period = self.query()["period"]
        data = agent_selectors.fleet_dashboard(self.organization.pk, period, now)
        summary, metrics, costs = data["summary"], data["metrics"], data["costs"]
        refs = self.refs({issue["agent_id"] for issue in data["top_issues"]})
        return Response(
            {
                "generated_at": iso(now),
                "period": period,
                "summary": {
                    "total_agents": summary["total"],
                    **{status: summary[status] for status in AgentStatus.values},
                    "health_score": summary["health_score"],
                },
                "metrics": {
                    "total_requests": metrics["requests"],
                    "successful_requests": metrics["successful"],
                    "failed_requests": metrics["failed"],
                    "success_rate": metrics["success_rate_percent"],
                    "avg_latency_ms": metrics["avg_latency_ms"],
                    "p50_latency_ms": metrics["p50_latency_ms"],
                    "p95_latency_ms": metrics["p95_latency_ms"],
                    "p99_latency_ms": metrics["p99_latency_ms"],
                },
                "costs": {
                    "total_tokens": costs["input_tokens"] + costs["output_tokens"],
                    "input_tokens": costs["input_tokens"],
                    "output_tokens": costs["output_tokens"],
                    "estimated_cost_usd": costs["estimated_cost_usd"],
                    "cost_by_model": [
                        {
                            "model": model,
                            "tokens": row["input_tokens"] + row["output_tokens"],
                            "cost": row["estimated_cost_usd"],
                        }
                        for model, row in costs["by_model"].items()
                    ],
                },
                "active_alerts": data["active_alerts_count"],
                "top_issues": [
                    {
                        "type": issue["type"],
                        "agent": refs.get(issue["agent_id"], str(issue["agent_id"])),
                        "description": issue["message"],
                        "severity": _issue_severity(issue["type"]),
                    }
                    for issue in data["top_issues"]
                ],
            }
        )


class AgentsQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=AgentStatus.values, required=False)
    type = serializers.CharField(required=False, max_length=100)


def _agent_row(agent: Agent, figures: dict[str, Any], issues: list[dict[str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": agent_ref(agent),
        "name": agent.name,
        "type": agent.type,
        "status": agent.status,
        "version": agent.version,
        "location_id": agent.location or None,
        "metrics": figures,
        "last_heartbeat": iso(agent.last_heartbeat_at),
        "started_at": iso(agent.started_at),
    }
    if agent.status != AgentStatus.HEALTHY:
        row["issues"] = [{"type": i["type"], "message": i["message"]} for i in issues]
    return row


class AgentsView(MonitoringView):
    query_serializer = AgentsQuery

    def get(self, request):
        query, now = self.query(), timezone.now()
        agents = self.agents().order_by("id")
        if "status" in query:
            agents = agents.filter(status=query["status"])
        if "type" in query:
            agents = agents.filter(type=query["type"])
        listed = list(agents)
        figures = agent_selectors.fleet_figures(listed, now)
        issues = issues_many([a for a in listed if a.status != AgentStatus.HEALTHY], now)
        rows = [_agent_row(a, figures[a.pk], issues.get(a.pk, [])) for a in listed]
        return Response({"agents": rows, "total": len(listed)})


class AgentDetailView(MonitoringView):
    def get(self, request, agent_id: str):
        agent, now = self.agent(agent_id), timezone.now()
        detail = agent_selectors.agent_detail(agent, now)
        metrics, tokens = detail["metrics_detailed"], detail["metrics_detailed"]["tokens"]
        return Response(
            {
                "id": agent_ref(agent),
                "name": agent.name,
                "type": agent.type,
                "status": agent.status,
                "version": agent.version,
                "configuration": agent.configuration,
                "health": {**detail["health"], "last_check": iso(detail["health"]["last_check"])},
                "metrics_detailed": {
                    "requests": metrics["requests"],
                    "latency": metrics["latency"],
                    "tokens": {
                        "input": tokens["input_tokens"],
                        "output": tokens["output_tokens"],
                        "by_model": tokens["by_model"],
                    },
                },
                "recent_errors": detail["recent_errors"],
                "dependencies": detail["dependencies"],
                "issues": detail["issues"],
            }
        )
