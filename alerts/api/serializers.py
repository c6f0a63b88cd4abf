from __future__ import annotations

from rest_framework import serializers

from alerts.choices import ChannelKind
from alerts.models import Delivery, DeliveryAttempt, NotificationChannel, Webhook
from alerts.selectors import channel_config_shown


class ChannelSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="kind", choices=ChannelKind.choices)
    config = serializers.JSONField(help_text="Fields per type, as GET /channels/types lists them.")

    class Meta:
        model = NotificationChannel
        fields = [
            "id",
            "name",
            "type",
            "config",
            "is_enabled",
            "disabled_reason",
            "disabled_at",
            "last_delivery_at",
            "created_at",
        ]
        read_only_fields = ["id", "disabled_reason", "disabled_at", "last_delivery_at", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["config"] = channel_config_shown(instance)
        return data


class ChannelTypeFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    help = serializers.CharField()
    secret = serializers.BooleanField()


class ChannelTypeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    config_fields = ChannelTypeFieldSerializer(many=True)


class TestResultSerializer(serializers.Serializer):
    delivered = serializers.BooleanField()
    error = serializers.CharField(allow_null=True)
    permanent = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "description",
            "is_active",
            "disabled_reason",
            "consecutive_failures",
            "last_delivery_at",
            "created_at",
        ]
        read_only_fields = ["id", "disabled_reason", "consecutive_failures", "last_delivery_at", "created_at"]


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Signs each body (X-Signature). Shown once.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["attempted_at", "status_code", "duration_ms", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.id")
    event = serializers.CharField(source="event.name")
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "attempt_log",
        ]
