"""The AI agent monitoring API (reference 003) at ``/api/v1/monitoring/...``: the document's paths, bodies,
shapes and error codes over the native agents, alerts and metrics services and selectors.

Agents are named by their ``external_id`` (``agent_voice_ai_001``), or by their number when they have none;
alerts by their number. ``tenant_id`` names the organization (its id or slug) the way the native
``X-Organization`` header does; the caller must belong to it. The document's roles map to organization
roles: reads need viewer, acknowledging and logging member, controls and the rule set admin.
"""

from __future__ import annotations

from django.urls import path, re_path

from monitoring_site.api.errors import api_not_found
from monitoring_site.compat.agent_monitoring.alerts import AcknowledgeView, AlertsView, ResolveView, RulesView
from monitoring_site.compat.agent_monitoring.controls import PauseView, RestartView, ResumeView, ScaleView
from monitoring_site.compat.agent_monitoring.fleet import AgentDetailView, AgentsView, DashboardView
from monitoring_site.compat.agent_monitoring.health import HealthView
from monitoring_site.compat.agent_monitoring.logs import LogsView
from monitoring_site.compat.agent_monitoring.metrics import MetricsExportView, MetricsView

urlpatterns = [
    path("dashboard", DashboardView.as_view()),
    path("agents", AgentsView.as_view()),
    path("agents/<str:agent_id>", AgentDetailView.as_view()),
    path("agents/<str:agent_id>/pause", PauseView.as_view()),
    path("agents/<str:agent_id>/resume", ResumeView.as_view()),
    path("agents/<str:agent_id>/restart", RestartView.as_view()),
    path("agents/<str:agent_id>/scale", ScaleView.as_view()),
    path("alerts", AlertsView.as_view()),
    path("alerts/rules", RulesView.as_view()),
    path("alerts/<str:alert_id>/acknowledge", AcknowledgeView.as_view()),
    path("alerts/<str:alert_id>/resolve", ResolveView.as_view()),
    path("logs", LogsView.as_view()),
    path("metrics", MetricsView.as_view()),
    path("metrics/export", MetricsExportView.as_view()),
    path("health", HealthView.as_view()),
    re_path(r"", api_not_found),
]
