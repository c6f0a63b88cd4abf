"""Serializers of alert rules, alerts and maintenance windows (DESIGN section 5, request shapes)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.choices import Operator, Severity
from alerts.models import Alert, AlertRule, MaintenanceWindow
from alerts.services.alerts import alert_payload


class ConditionSerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=100, help_text="Any name from GET /metrics/catalog.")
    operator = serializers.ChoiceField(choices=Operator.choices)
    threshold = serializers.FloatField(min_value=-1e15, max_value=1e15)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=366 * 24 * 60, default=0)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class ChannelRefField(serializers.Field):
    """A channel id, or a channel name."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            raise serializers.ValidationError("A channel id or name.")
        return data

    def to_representation(self, value):
        return value


class RemediationSerializer(serializers.Serializer):
    action = serializers.CharField()
    max_attempts = serializers.IntegerField(min_value=1, max_value=10, default=1)
    params = serializers.DictField(
        required=False, help_text="The action's parameters, e.g. {task_id} for run_task."
    )


class AlertRuleSerializer(serializers.ModelSerializer):
    condition = ConditionSerializer(source="*")
    channels = serializers.ListField(child=ChannelRefField(), required=False, write_only=True)
    escalation_channels = serializers.ListField(child=ChannelRefField(), required=False, write_only=True)
    recipients = serializers.ListField(child=serializers.CharField(max_length=254), required=False)
    scope = serializers.JSONField(required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.WARNING)
    auto_remediate = RemediationSerializer(required=False, allow_null=True)
    state = serializers.SerializerMethodField(help_text="active, paused or expired")
    check_interval = serializers.IntegerField(min_value=10, max_value=86400, default=60)

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "name",
            "condition",
            "scope",
            "severity",
            "channels",
            "escalation_channels",
            "recipients",
            "check_interval",
            "repeat_every_minutes",
            "escalate_after_minutes",
            "expires_at",
            "is_paused",
            "auto_remediate",
            "state",
            "last_evaluated_at",
            "last_value",
            "condition_since",
            "next_check_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "is_paused",
            "state",
            "last_evaluated_at",
            "last_value",
            "condition_since",
            "next_check_at",
            "created_at",
            "updated_at",
        ]

    def get_state(self, rule: AlertRule) -> str:
        return rule.state(timezone.now())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["channels"] = [c.pk for c in instance.channels.all()]
        data["escalation_channels"] = [c.pk for c in instance.escalation_channels.all()]
        return data


class RulesReplaceSerializer(serializers.Serializer):
    rules = AlertRuleSerializer(many=True)


class ThresholdSerializer(serializers.Serializer):
    metric = serializers.CharField()
    operator = serializers.ChoiceField(choices=Operator.choices)
    value = serializers.FloatField()
    current = serializers.FloatField(allow_null=True)


class AlertSerializer(serializers.ModelSerializer):
    threshold = serializers.SerializerMethodField()
    agent_id = serializers.SerializerMethodField()
    monitor_id = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule_id",
            "agent_id",
            "monitor_id",
            "status",
            "severity",
            "title",
            "message",
            "threshold",
            "scope",
            "triggered_at",
            "last_occurrence",
            "occurrence_count",
            "acknowledged_by",
            "acknowledged_at",
            "notes",
            "resolved_at",
            "resolved_by",
            "resolution",
            "root_cause",
            "escalated_at",
            "remediation_attempts",
            "remediation_log",
        ]
        read_only_fields = fields

    @extend_schema_field(ThresholdSerializer)
    def get_threshold(self, alert: Alert) -> dict:
        return alert_payload(alert)["threshold"]

    def get_agent_id(self, alert: Alert) -> int | None:
        return (alert.scope or {}).get("agent_id")

    def get_monitor_id(self, alert: Alert) -> int | None:
        return (alert.scope or {}).get("monitor_id")


class AcknowledgeSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class MaintenanceWindowSerializer(serializers.ModelSerializer):
    in_effect = serializers.SerializerMethodField()
    subjects = serializers.JSONField(required=False)

    class Meta:
        model = MaintenanceWindow
        fields = [
            "id",
            "name",
            "description",
            "starts_at",
            "ends_at",
            "cron",
            "timezone",
            "duration_minutes",
            "applies_to_all",
            "subjects",
            "is_active",
            "in_effect",
            "created_at",
        ]
        read_only_fields = ["id", "in_effect", "created_at"]

    def get_in_effect(self, window: MaintenanceWindow) -> bool:
        return window.is_in_effect(timezone.now())
