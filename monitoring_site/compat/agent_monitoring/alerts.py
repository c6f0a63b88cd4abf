"""Alerts (list, acknowledge, resolve) and the rule set (``PUT /alerts/rules``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.response import Response

from alerts.api.rule_serializers import RulesReplaceSerializer
from alerts.choices import AlertStatus, Severity
from alerts.filters import AlertFilter
from alerts.inputs import NewRule
from alerts.models import Alert, AlertRule
from alerts.selectors import alert_summary, alerts_of, rules_of
from alerts.services import alerts as alert_services
from alerts.services import rules as rule_services
from monitoring_site.accounts.choices import Role
from monitoring_site.compat.agent_monitoring.base import (
    ALERT_TYPES,
    MonitoringView,
)
from monitoring_site.compat.base import StrictSerializer, body_of, iso


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
        alerts = AlertFilter(native, queryset=alerts_of(self.organization.pk)).qs
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
        return alert_services.alert_acknowledge(alert=alert, by=self.tenant.by, **body)


class ResolveView(AlertActionView):
    body = ResolveBody

    def act(self, alert, body):
        return alert_services.alert_resolve(alert=alert, by=self.tenant.by, **body)


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
            organization=self.organization, rules=[NewRule.of(rule) for rule in form.validated_data["rules"]]
        )
        fresh = rules_of(self.organization.pk).filter(pk__in=[r.pk for r in rules])
        return Response({"rules": [rule_object(rule) for rule in fresh.order_by("id")]})
