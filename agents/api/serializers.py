from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import Agent, AgentControl, ModelPrice


class AgentSerializer(serializers.ModelSerializer):
    configuration = serializers.DictField(required=False, help_text="model_primary, model_fallback, ...")
    last_heartbeat = serializers.DateTimeField(source="last_heartbeat_at", read_only=True, allow_null=True)

    class Meta:
        model = Agent
        fields = [
            "id",
            "name",
            "external_id",
            "type",
            "version",
            "location",
            "configuration",
            "desired_replicas",
            "offline_after_seconds",
            "latency_threshold_ms",
            "error_rate_threshold_percent",
            "status",
            "started_at",
            "last_heartbeat",
            "health_checks",
            "dependencies",
            "paused_until",
            "ingest_token_prefix",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "started_at",
            "health_checks",
            "dependencies",
            "paused_until",
            "ingest_token_prefix",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "offline_after_seconds": {"min_value": 10, "max_value": 86400},
            "external_id": {"validators": []},  # its uniqueness is the service's rule (a 400 naming it)
        }


class AgentCreatedSerializer(AgentSerializer):
    """An agent with its ingest token, which the view passes in the context (``ingest_token``)."""

    ingest_token = serializers.SerializerMethodField(help_text="Shown once; the agent reports with it.")

    def get_ingest_token(self, agent: Agent) -> str:
        return self.context["ingest_token"]

    class Meta(AgentSerializer.Meta):
        fields = [*AgentSerializer.Meta.fields, "ingest_token"]


class ModelPriceSerializer(serializers.ModelSerializer):
    input_per_million_usd = serializers.FloatField()
    output_per_million_usd = serializers.FloatField()

    class Meta:
        model = ModelPrice
        fields = ["model", "input_per_million_usd", "output_per_million_usd", "updated_at"]


class AgentControlSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentControl
        fields = [
            "command_id",
            "action",
            "reason",
            "params",
            "by",
            "previous_status",
            "current_status",
            "issued_at",
            "delivered_at",
            "acknowledged_at",
            "result",
        ]


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberAsSent(serializers.JSONField):
    """A number the service checks itself (range, and that it is a whole number and not a boolean), so
    the API and the dashboard refuse the same values with the same message."""


class _Reason(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", max_length=2000
    )

    def validate_reason(self, value):
        return value or ""


class AgentPauseSerializer(_Reason):
    duration_minutes = WholeNumberAsSent(required=False, default=None)


class AgentResumeSerializer(_Reason):
    pass


class AgentRestartSerializer(_Reason):
    force = serializers.BooleanField(required=False, default=False)


class AgentScaleSerializer(_Reason):
    replicas = WholeNumberAsSent(required=False, default=None)


class CommandAckSerializer(serializers.Serializer):
    result = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="What came of the command (kept to 500 characters), e.g. why it was refused.",
    )
