"""``GET /metrics`` (the summary, or one metric) and ``POST /metrics/export`` with the period object."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers
from rest_framework.response import Response

from agents import selectors as agent_selectors
from agents.models import Agent
from agents.rollup_selectors import rollups_window
from agents.totals import merged
from monitoring_site.accounts.choices import Role
from monitoring_site.api.renderers import rows_to_csv
from monitoring_site.compat.agent_monitoring.base import (
    GROUPS,
    PERIODS,
    InvalidMetric,
    MonitoringView,
)
from monitoring_site.compat.base import StrictSerializer, body_of, iso
from monitoring_site.errors import RuleViolation
from monitoring_site.metrics import selectors as metric_selectors


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
