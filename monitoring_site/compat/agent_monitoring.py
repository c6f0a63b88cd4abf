"""The AI agent monitoring API (reference 003) at ``/api/v1/monitoring/...``: the document's paths, bodies,
shapes and error codes over the native agents, alerts and metrics services and selectors.

Agents are named by their ``external_id`` (``agent_voice_ai_001``), or by their number when they have none;
alerts by their number. ``tenant_id`` names the organization (its id or slug) the way the native
``X-Organization`` header does; the caller must belong to it. The document's roles map to organization
roles: reads need viewer, acknowledging and logging member, controls and the rule set admin.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers
from rest_framework.response import Response

from agents import selectors as agent_selectors
from agents.choices import AgentStatus
from agents.models import Agent, AgentLog, LogLevel
from agents.services import controls as control_services
from agents.services.logs import logs_ingest
from agents.services.rollups import rollups_window
from agents.services.status import issues_of
from agents.services.totals import merged
from alerts.api.rule_serializers import RulesReplaceSerializer
from alerts.api.rule_views import _rule_data
from alerts.choices import AlertStatus, Severity
from alerts.filters import AlertFilter
from alerts.models import Alert, AlertRule
from alerts.selectors import alert_summary
from alerts.services import alerts as alert_services
from alerts.services import rules as rule_services
from monitoring_site.accounts.choices import Role
from monitoring_site.accounts.models import Organization
from monitoring_site.api.errors import api_not_found
from monitoring_site.api.renderers import rows_to_csv
from monitoring_site.api.tenancy import tenant_in_organization
from monitoring_site.compat.base import CompatView, StrictSerializer, body_of, iso
from monitoring_site.errors import NotFound, RuleViolation
from monitoring_site.health import platform_health
from monitoring_site.metrics import selectors as metric_selectors

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


# --- the views' base: tenant_id, agents and alerts by the document's ids -----------------------------------


class MonitoringView(CompatView):
    extra_params = ("tenant_id",)

    def check_permissions(self, request):
        raw = request.query_params.get("tenant_id")
        if raw and request.user is not None and request.user.is_authenticated:
            match = Q(slug=raw) | Q(pk=int(raw)) if raw.isdigit() else Q(slug=raw)
            organization = Organization.objects.filter(match).first()
            if organization is None:
                raise NotFound(f"No tenant {raw}.", code="tenant_not_found")
            request._tenant = tenant_in_organization(request, organization.pk)
        super().check_permissions(request)

    @property
    def organization(self) -> Organization:
        return self.tenant.organization

    def agents(self) -> QuerySet[Agent]:
        return Agent.objects.filter(organization=self.organization)

    def agent(self, ref: str) -> Agent:
        found = self.agents().filter(external_id=ref).first()
        if found is None and ref.isdigit():
            found = self.agents().filter(pk=int(ref)).first()
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
        found = (
            Alert.objects.filter(organization=self.organization, pk=int(ref)).first()
            if ref.isdigit()
            else None
        )
        if found is None:
            raise NotFound(f"No alert {ref}.", code="alert_not_found")
        return found


# --- dashboard and agents -----------------------------------------------------------------------------------


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


def _agent_row(agent: Agent, figures: dict[str, Any], now: datetime) -> dict[str, Any]:
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
        row["issues"] = [{"type": i["type"], "message": i["message"]} for i in issues_of(agent, now)]
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
        return Response({"agents": [_agent_row(a, figures[a.pk], now) for a in listed], "total": len(listed)})


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


# --- controls ---------------------------------------------------------------------------------------------


class PauseBody(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)


class ResumeBody(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RestartBody(ResumeBody):
    force = serializers.BooleanField(required=False, default=False)


class ScaleBody(ResumeBody):
    replicas = serializers.IntegerField()


class ControlView(MonitoringView):
    write_role = Role.ADMIN
    body: type[StrictSerializer]

    def post(self, request, agent_id: str):
        form = self.body(data=body_of(request))
        form.is_valid(raise_exception=True)
        agent = self.agent(agent_id)
        previous, now = agent.status, timezone.now()
        answer = self.control(agent, form.validated_data, now)
        return Response({"agent_id": agent_ref(agent), "previous_status": previous, **answer})

    def control(self, agent: Agent, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        raise NotImplementedError


class PauseView(ControlView):
    body = PauseBody

    def control(self, agent, body, now):
        answer = control_services.agent_pause(agent=agent, by=self.tenant.actor, now=now, **body)
        return {
            "current_status": answer["current_status"],
            "paused_at": iso(answer["paused_at"]),
            "resume_at": iso(answer["resume_at"]),
            "active_requests_drained": answer["active_requests_drained"],
        }


class ResumeView(ControlView):
    body = ResumeBody

    def control(self, agent, body, now):
        agent = control_services.agent_resume(agent=agent, by=self.tenant.actor, now=now, **body)
        return {"current_status": agent.status, "resumed_at": iso(now)}


class RestartView(ControlView):
    body = RestartBody

    def control(self, agent, body, now):
        agent = control_services.agent_restart(agent=agent, by=self.tenant.actor, now=now, **body)
        return {"current_status": agent.status, "restarted_at": iso(now), "force": body["force"]}


class ScaleView(ControlView):
    body = ScaleBody

    def control(self, agent, body, now):
        before = agent.desired_replicas
        agent = control_services.agent_scale(agent=agent, by=self.tenant.actor, now=now, **body)
        return {
            "current_status": agent.status,
            "previous_replicas": before,
            "replicas": agent.desired_replicas,
            "scaled_at": iso(now),
        }


# --- alerts ----------------------------------------------------------------------------------------------


class AlertsQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.values, required=False)
    severity = serializers.ChoiceField(choices=Severity.values, required=False)
    agent_id = serializers.CharField(required=False, max_length=100)
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)


def alert_object(alert: Alert, refs: dict[int, str]) -> dict[str, Any]:
    agent_pk = (alert.scope or {}).get("agent_id")
    return {
        "id": str(alert.pk),
        "agent_id": refs.get(agent_pk) if agent_pk else None,
        "type": ALERT_TYPES.get(alert.metric, alert.metric),
        "severity": alert.severity,
        "status": alert.status,
        "title": alert.title,
        "message": alert.message,
        "threshold": {
            "metric": alert.metric,
            "operator": alert.operator,
            "value": alert.threshold_value,
            "current": alert.current_value,
        },
        "triggered_at": iso(alert.triggered_at),
        "last_occurrence": iso(alert.last_occurrence),
        "occurrence_count": alert.occurrence_count,
        "acknowledged_by": alert.acknowledged_by or None,
        "acknowledged_at": iso(alert.acknowledged_at),
        "notes": alert.notes or None,
        "resolved_at": iso(alert.resolved_at),
        "resolution": alert.resolution or None,
        "root_cause": alert.root_cause or None,
    }


class AlertsView(MonitoringView):
    query_serializer = AlertsQuery

    def get(self, request):
        query = self.query()
        native = {k: query[k] for k in ("status", "severity") if k in query}
        if "agent_id" in query:
            native["agent_id"] = self.agent_pk(query["agent_id"])
        alerts = AlertFilter(native, queryset=Alert.objects.filter(organization=self.organization)).qs
        page = list(alerts.order_by("-triggered_at", "-id")[: query["limit"]])
        refs = self.refs({a.scope.get("agent_id") for a in page if (a.scope or {}).get("agent_id")})
        return Response({"alerts": [alert_object(a, refs) for a in page], "summary": alert_summary(alerts)})


class AcknowledgeBody(StrictSerializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ResolveBody(StrictSerializer):
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AlertActionView(MonitoringView):
    body: type[StrictSerializer]

    def post(self, request, alert_id: str):
        form = self.body(data=body_of(request))
        form.is_valid(raise_exception=True)
        alert = self.act(self.alert(alert_id), form.validated_data)
        agent_pk = (alert.scope or {}).get("agent_id")
        return Response(alert_object(alert, self.refs({agent_pk} if agent_pk else set())))

    def act(self, alert: Alert, body: dict[str, Any]) -> Alert:
        raise NotImplementedError


class AcknowledgeView(AlertActionView):
    body = AcknowledgeBody

    def act(self, alert, body):
        return alert_services.alert_acknowledge(alert=alert, by=self.tenant.actor, **body)


class ResolveView(AlertActionView):
    body = ResolveBody

    def act(self, alert, body):
        return alert_services.alert_resolve(alert=alert, by=self.tenant.actor, **body)


def rule_object(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": str(rule.pk),
        "name": rule.name,
        "condition": {
            "metric": rule.metric,
            "operator": rule.operator,
            "threshold": rule.threshold,
            "duration_minutes": rule.duration_minutes,
        },
        "severity": rule.severity,
        "channels": [channel.name for channel in rule.channels.all()],
        "recipients": rule.recipients,
        "auto_remediate": rule.auto_remediate,
    }


class RulesView(MonitoringView):
    """The whole rule set, matched by name: the native ``rules_replace`` (all or nothing)."""

    write_role = Role.ADMIN

    def put(self, request):
        form = RulesReplaceSerializer(data=body_of(request))
        form.is_valid(raise_exception=True)
        rules = rule_services.rules_replace(
            organization=self.organization, rules=[_rule_data(r) for r in form.validated_data["rules"]]
        )
        fresh = AlertRule.objects.filter(pk__in=[r.pk for r in rules]).prefetch_related("channels")
        return Response({"rules": [rule_object(rule) for rule in fresh.order_by("id")]})


# --- logs ------------------------------------------------------------------------------------------------


class LogsQuery(serializers.Serializer):
    agent_id = serializers.CharField(required=False, max_length=100)
    level = serializers.ChoiceField(choices=["debug", "info", "warn", "error", "critical"], required=False)
    start_time = serializers.DateTimeField(required=False)
    end_time = serializers.DateTimeField(required=False)
    search = serializers.CharField(required=False, max_length=200)
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)
    cursor = serializers.CharField(required=False, max_length=200)


def log_object(line: AgentLog, refs: dict[int, str]) -> dict[str, Any]:
    return {
        "timestamp": iso(line.timestamp),
        "level": LEVELS_OUT.get(LogLevel(line.level), line.level),
        "agent_id": refs.get(line.agent_id) if line.agent_id else None,
        "message": line.message,
        "context": line.context,
        "trace_id": line.trace_id or None,
    }


class LogsView(MonitoringView):
    query_serializer = LogsQuery

    def get(self, request):
        query = self.query()
        filters: dict[str, Any] = {k: query[k] for k in ("start_time", "end_time", "search") if k in query}
        if "level" in query:
            filters["level"] = LEVELS_IN.get(query["level"], query["level"])
        if "agent_id" in query:
            filters["agent_id"] = self.agent_pk(query["agent_id"]) or -1
        try:
            page, following = agent_selectors.logs_query(
                organization_id=self.organization.pk,
                filters=filters,
                limit=query["limit"],
                cursor=query.get("cursor"),
            )
        except agent_selectors.BadCursor as exc:
            raise RuleViolation("Bad cursor.", details={"cursor": [str(exc)]}) from None
        refs = self.refs({line.agent_id for line in page if line.agent_id})
        return Response({"logs": [log_object(line, refs) for line in page], "next_cursor": following})

    def post(self, request):
        lines = body_of(request).get("logs")
        if isinstance(lines, list):
            lines = [self._native_line(line) for line in lines]
        return Response(logs_ingest(organization_id=self.organization.pk, lines=lines))

    def _native_line(self, line: Any) -> Any:
        """The document's line as the native one: ``warn`` is ``warning``, the agent is named by its id."""
        if not isinstance(line, dict):
            return line
        line = dict(line)
        if isinstance(line.get("level"), str):
            line["level"] = LEVELS_IN.get(line["level"].lower(), line["level"])
        ref = line.get("agent_id")
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            line["agent_id"] = self.agent_pk(str(ref)) or f"unknown:{ref}"
        return line


# --- metrics ---------------------------------------------------------------------------------------------


def _buckets_allowed(start: datetime, end: datetime, granularity: str) -> None:
    if (end - start) / metric_selectors.GRANULARITIES[granularity] > metric_selectors.MAX_BUCKETS:
        raise RuleViolation(
            "Too many buckets.", details={"granularity": [f"{granularity} over this period is too fine."]}
        )


def fleet_summary(
    view: MonitoringView, start: datetime, end: datetime, granularity: str, agent: Agent | None
) -> dict[str, Any]:
    """The document's ``metrics`` object: requests (by agent), latency, tokens and errors (by type), each
    with its timeseries."""
    organization_id, agent_pk = view.organization.pk, agent.pk if agent else None
    totals = merged(rollups_window(organization_id=organization_id, start=start, end=end, agent_id=agent_pk))
    figures = totals.figures()
    series = agent_selectors.request_timeseries(
        organization_id=organization_id, start=start, end=end, granularity=granularity, agent_id=agent_pk
    )
    if agent is None:
        per_agent = agent_selectors.requests_by_agent(organization_id=organization_id, start=start, end=end)
    else:
        per_agent = {agent.pk: figures["requests"]}
    refs = view.refs(set(per_agent))
    return {
        "requests": {
            "total": figures["requests"],
            "by_agent": {refs.get(pk, str(pk)): count for pk, count in per_agent.items()},
            "timeseries": [{"timestamp": iso(at), "value": t.count} for at, t in series],
        },
        "latency": {
            "avg": figures["avg_latency_ms"],
            "p50": figures["p50_latency_ms"],
            "p95": figures["p95_latency_ms"],
            "p99": figures["p99_latency_ms"],
            "timeseries": [
                {
                    "timestamp": iso(at),
                    "value": round(t.latency_sum / t.count, 3) if t.count else None,
                    "p95": t.figures()["p95_latency_ms"],
                }
                for at, t in series
            ],
        },
        "tokens": {
            "input": figures["input_tokens"],
            "output": figures["output_tokens"],
            "timeseries": [
                {
                    "timestamp": iso(at),
                    "value": t.input_tokens + t.output_tokens,
                    "input": t.input_tokens,
                    "output": t.output_tokens,
                }
                for at, t in series
            ],
        },
        "errors": {
            "total": figures["failed"],
            "by_type": agent_selectors.errors_by_type(
                organization_id=organization_id, start=start, end=end, agent_id=agent_pk
            ),
            "timeseries": [{"timestamp": iso(at), "value": t.failures} for at, t in series],
        },
    }


def one_metric(organization_id: int, name: str, start: datetime, end: datetime, granularity: str, scope):
    series = metric_selectors.metric_series(
        organization_id=organization_id, name=name, start=start, end=end, granularity=granularity, scope=scope
    )
    summary = series["summary"]
    return {
        **{key: summary[key] for key in ("count", "avg", "min", "max", "p50", "p95", "p99")},
        "unit": series["metric"]["unit"],
        "timeseries": [{"timestamp": iso(b["timestamp"]), "value": b["avg"]} for b in series["timeseries"]],
    }


def check_metric(organization_id: int, name: str) -> None:
    if name not in GROUPS and not metric_selectors.metric_known(organization_id, name):
        raise InvalidMetric(
            f"Unknown metric '{name}'.",
            details={"metric": [f"One of {', '.join(GROUPS)}, or a name from GET /api/v1/metrics/catalog."]},
        )


def metrics_object(
    view: MonitoringView,
    names: list[str],
    start: datetime,
    end: datetime,
    granularity: str,
    agent: Agent | None,
) -> dict[str, Any]:
    organization_id = view.organization.pk
    for name in names:
        check_metric(organization_id, name)
    wanted = [n for n in names if n in GROUPS]
    summary = fleet_summary(view, start, end, granularity, agent) if wanted else {}
    scope = {"agent_id": agent.pk} if agent else {}
    return {
        name: summary[name]
        if name in GROUPS
        else one_metric(organization_id, name, start, end, granularity, scope)
        for name in names
    }


class MetricsQuery(serializers.Serializer):
    agent_id = serializers.CharField(required=False, max_length=100)
    metric = serializers.CharField(required=False, max_length=100)
    period = serializers.ChoiceField(choices=list(PERIODS), required=False, default="24h")
    granularity = serializers.ChoiceField(choices=list(metric_selectors.GRANULARITIES), required=False)


class MetricsView(MonitoringView):
    query_serializer = MetricsQuery

    def get(self, request):
        query = self.query()
        agent = self.agent(query["agent_id"]) if "agent_id" in query else None
        period = query["period"]
        granularity = query.get("granularity") or metric_selectors.DEFAULT_GRANULARITY.get(period, "day")
        end = timezone.now()
        start = end - PERIODS[period]
        _buckets_allowed(start, end, granularity)
        names = [query["metric"]] if "metric" in query else list(GROUPS)
        return Response(
            {
                "period": {"start": iso(start), "end": iso(end)},
                "granularity": granularity,
                "metrics": metrics_object(self, names, start, end, granularity, agent),
            }
        )


def _moment(text: str, *, end: bool) -> datetime | None:
    """A date (the whole day: an end date counts up to its midnight after) or an ISO-8601 date-time."""
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        return None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PeriodBody(StrictSerializer):
    start = serializers.CharField(max_length=40)
    end = serializers.CharField(max_length=40)

    def validate(self, attrs):
        start, end = _moment(attrs["start"], end=False), _moment(attrs["end"], end=True)
        if start is None or end is None:
            raise serializers.ValidationError("start and end are dates (YYYY-MM-DD) or ISO-8601 date-times.")
        if end <= start:
            raise serializers.ValidationError("end must be after start.")
        return {"start": start, "end": end}


class ExportBody(StrictSerializer):
    metrics = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=1, max_length=20, required=False
    )
    period = PeriodBody()
    format = serializers.ChoiceField(choices=["csv", "json"], required=False, default="csv")
    granularity = serializers.ChoiceField(
        choices=list(metric_selectors.GRANULARITIES), required=False, default="hour"
    )
    agent_id = serializers.CharField(required=False, max_length=100)


def _export_rows(name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"metric": name, **point} for point in data["timeseries"]]


class MetricsExportView(MonitoringView):
    write_role = Role.VIEWER  # a POST for its body: it reads, it changes nothing

    def post(self, request):
        form = ExportBody(data=body_of(request))
        form.is_valid(raise_exception=True)
        body = form.validated_data
        start, end, granularity = body["period"]["start"], body["period"]["end"], body["granularity"]
        _buckets_allowed(start, end, granularity)
        agent = self.agent(body["agent_id"]) if "agent_id" in body else None
        names = body.get("metrics") or list(GROUPS)
        metrics = metrics_object(self, names, start, end, granularity, agent)
        rows = [row for name in names for row in _export_rows(name, metrics[name])]
        if body["format"] == "json":
            return Response(
                {"period": {"start": iso(start), "end": iso(end)}, "granularity": granularity, "rows": rows}
            )
        response = HttpResponse(rows_to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="metrics.csv"'
        return response


# --- health ----------------------------------------------------------------------------------------------


class HealthView(MonitoringView):
    def get(self, request):
        health = platform_health()
        components = [
            {"name": name, **part, "status": "healthy" if part["status"] == "ok" else "unhealthy"}
            for name, part in health["components"].items()
        ]
        status = HEALTH[health["status"]]
        return Response(
            {
                "status": status,
                "timestamp": iso(timezone.now()),
                "components": components,
                "version": health["version"],
            },
            status=503 if status == "unhealthy" else 200,
        )


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
