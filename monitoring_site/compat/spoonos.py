"""SpoonOS's monitoring tasks (reference 000: ``spoon_ai.monitoring.api.routes``) at ``/monitoring/...``.

A monitoring task is an alert rule with a validity window: ``metric`` is the rule's metric (a custom metric
such as ``price``, pushed with ``POST /api/v1/metrics`` and tagged ``market``, ``provider`` and ``symbol``),
``threshold`` and ``comparator`` its condition, ``check_interval_minutes`` its check interval,
``expires_in_hours`` its expiry, ``notification_channels`` its channels (by name, or by kind: ``email``
means every e-mail channel). Every write goes through ``alerts.services.rules``; the field names, the
answers and the 404 texts are SpoonOS's. Task ids are the rules' ids as strings.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import path, re_path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response

from alerts.inputs import NewRule
from alerts.models import AlertRule
from alerts.selectors import channels_of, rules_of
from alerts.services import rules as rule_services
from monitoring_site.api.errors import api_not_found
from monitoring_site.compat.base import CompatView, StrictSerializer, body_of, iso
from monitoring_site.errors import Conflict, DomainError, NotFound

COMPARATORS = {">": "gt", "<": "lt", "=": "eq", ">=": "gte", "<=": "lte"}
OPERATORS = {operator: comparator for comparator, operator in COMPARATORS.items()}


class NotificationFailed(DomainError):
    code = "notification_failed"
    status_code = 502


class MonitoringTaskCreate(StrictSerializer):
    market = serializers.CharField(required=False, default="cex", max_length=50)
    provider = serializers.CharField(max_length=50)
    symbol = serializers.CharField(max_length=50)
    metric = serializers.RegexField(r"^[A-Za-z0-9_.:-]{1,100}$", max_length=100)
    threshold = serializers.FloatField()
    comparator = serializers.ChoiceField(choices=list(COMPARATORS))
    name = serializers.CharField(required=False, allow_null=True, max_length=120)
    check_interval_minutes = serializers.IntegerField(required=False, default=5, min_value=1, max_value=10080)
    expires_in_hours = serializers.IntegerField(required=False, default=24, min_value=1, max_value=87600)
    notification_channels = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )
    notification_params = serializers.DictField(required=False, default=dict)

    def validate_notification_params(self, value: dict[str, Any]) -> dict[str, Any]:
        if value:
            raise serializers.ValidationError(
                "Channel settings live on the channels here: set them with PATCH /api/v1/channels/{id}."
            )
        return value


class TaskExtendRequest(StrictSerializer):
    hours = serializers.IntegerField(min_value=1, max_value=87600)


def task_config(rule: AlertRule) -> dict[str, Any]:
    tags = rule.scope.get("tags") or {}
    hours = (rule.expires_at - rule.created_at) / timedelta(hours=1) if rule.expires_at else None
    return {
        "market": tags.get("market"),
        "provider": tags.get("provider"),
        "symbol": tags.get("symbol"),
        "metric": rule.metric,
        "threshold": rule.threshold,
        "comparator": OPERATORS.get(rule.operator, rule.operator),
        "name": rule.name,
        "check_interval_minutes": rule.check_interval // 60 or 1,
        "expires_in_hours": round(hours) if hours is not None else None,
        "notification_channels": [channel.name for channel in rule.channels.all()],
        "notification_params": {},
    }


def task_info(rule: AlertRule) -> dict[str, Any]:
    """``get_task``'s object: status (active, paused, expired), times, config, last check, alert count."""
    return {
        "status": rule.state(timezone.now()),
        "created_at": iso(rule.created_at),
        "expires_at": iso(rule.expires_at),
        "config": task_config(rule),
        "last_checked": iso(rule.last_evaluated_at),
        "alert_count": rule.alert_count if hasattr(rule, "alert_count") else rule.alerts.count(),
    }


class SpoonView(CompatView):
    def rules(self) -> QuerySet[AlertRule]:
        return rules_of(self.tenant.organization.pk)

    def rule(self, task_id: str, message: str = "Task {} not found") -> AlertRule:
        rule = self.rules().filter(pk=int(task_id)).first() if task_id.isdigit() else None
        if rule is None:
            raise NotFound(message.format(task_id))
        return rule


class TasksView(SpoonView):
    def get(self, request):
        return Response({str(rule.pk): task_info(rule) for rule in self.rules().order_by("id")})

    def post(self, request):
        form = MonitoringTaskCreate(data=body_of(request))
        form.is_valid(raise_exception=True)
        task = form.validated_data
        comparator = task["comparator"]
        rule = rule_services.rule_create(
            organization=self.tenant.organization,
            new=NewRule(
                name=task.get("name")
                or f"{task['symbol']} {task['metric']} {comparator} {task['threshold']}",
                metric=task["metric"],
                operator=COMPARATORS[comparator],
                threshold=task["threshold"],
                scope={
                    "tags": {"market": task["market"], "provider": task["provider"], "symbol": task["symbol"]}
                },
                check_interval=task["check_interval_minutes"] * 60,
                expires_at=timezone.now() + timedelta(hours=task["expires_in_hours"]),
                channels=task["notification_channels"],
            ),
        )
        rule = self.rule(str(rule.pk))
        return Response(
            {
                "task_id": str(rule.pk),
                "created_at": iso(rule.created_at),
                "expires_at": iso(rule.expires_at),
                "status": rule.state(timezone.now()),
                "config": task_config(rule),
            }
        )


class TaskView(SpoonView):
    def get(self, request, task_id: str):
        return Response(task_info(self.rule(task_id)))

    def delete(self, request, task_id: str):
        rule_services.rule_delete(rule=self.rule(task_id))
        return Response({"status": "success", "message": f"Task {task_id} deleted"})


class PauseView(SpoonView):
    """Pausing a paused task succeeds again, as in SpoonOS."""

    def post(self, request, task_id: str):
        with contextlib.suppress(Conflict):
            rule_services.rule_pause(rule=self.rule(task_id), by=self.tenant.by)
        return Response({"status": "success", "message": f"Task {task_id} paused"})


class ResumeView(SpoonView):
    """An expired task cannot be resumed (extend it first): SpoonOS's 404."""

    def post(self, request, task_id: str):
        message = "Task {} not found or expired"
        rule = self.rule(task_id, message)
        if rule.is_expired(timezone.now()):
            raise NotFound(message.format(task_id))
        with contextlib.suppress(Conflict):
            rule_services.rule_resume(rule=rule, by=self.tenant.by)
        return Response({"status": "success", "message": f"Task {task_id} resumed"})


class ExtendView(SpoonView):
    """The new expiry is ``hours`` from now, as SpoonOS computes it; an expired task becomes active."""

    def post(self, request, task_id: str):
        form = TaskExtendRequest(data=body_of(request))
        form.is_valid(raise_exception=True)
        now = timezone.now()
        rule = rule_services.rule_extend(
            rule=self.rule(task_id), until=now + timedelta(hours=form.validated_data["hours"]), now=now
        )
        return Response({"task_id": task_id, "status": rule.state(now), "expires_at": iso(rule.expires_at)})


class TestView(SpoonView):
    def post(self, request, task_id: str):
        answer = rule_services.rule_test(rule=self.rule(task_id), by=self.tenant.by)
        if not answer["delivered"]:
            raise NotificationFailed(
                "Failed to send test notification", details={"results": answer["results"]}
            )
        return Response({"status": "success", "message": "Test notification sent"})


class ChannelsView(SpoonView):
    """What ``notification_channels`` accepts: the organization's channel names and their kinds."""

    def get(self, request):
        channels = channels_of(self.tenant.organization.pk)
        names = {name for pair in channels.values_list("name", "kind") for name in pair}
        return Response({"available_channels": sorted(names)})


urlpatterns = [
    path("tasks", TasksView.as_view()),
    path("tasks/<str:task_id>", TaskView.as_view()),
    path("tasks/<str:task_id>/pause", PauseView.as_view()),
    path("tasks/<str:task_id>/resume", ResumeView.as_view()),
    path("tasks/<str:task_id>/extend", ExtendView.as_view()),
    path("tasks/<str:task_id>/test", TestView.as_view()),
    path("channels", ChannelsView.as_view()),
    re_path(r"", api_not_found),
]
