from __future__ import annotations

from rest_framework import serializers

from monitors.models import Heartbeat, HeartbeatPing
from monitors.public_urls import badge_url, ping_url


class HeartbeatSerializer(serializers.ModelSerializer):
    project_id = serializers.IntegerField(required=False, allow_null=True)
    run_interval = serializers.IntegerField(
        min_value=10, max_value=366 * 86400, required=False, allow_null=True
    )
    cron = serializers.CharField(max_length=100, required=False, allow_blank=True)
    grace_period = serializers.IntegerField(min_value=0, max_value=31 * 86400, default=300)
    notifications = serializers.ListField(child=serializers.IntegerField(), required=False, write_only=True)
    depends_on = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True, help_text="Monitor ids."
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    next_expected_at = serializers.DateTimeField(source="late_at", read_only=True, allow_null=True)
    token = serializers.CharField(read_only=True, help_text="The ping token (the last part of ping_url).")
    ping_url = serializers.SerializerMethodField()
    badge_url = serializers.SerializerMethodField(help_text="A public status badge (SVG; .json for Shields).")

    class Meta:
        model = Heartbeat
        fields = [
            "id",
            "name",
            "run_interval",
            "cron",
            "timezone",
            "grace_period",
            "notifications",
            "depends_on",
            "project_id",
            "tags",
            "is_paused",
            "status",
            "last_ping_at",
            "next_expected_at",
            "down_at",
            "last_duration",
            "token",
            "ping_url",
            "badge_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "is_paused",
            "status",
            "last_ping_at",
            "down_at",
            "last_duration",
            "created_at",
            "updated_at",
        ]

    def get_ping_url(self, heartbeat: Heartbeat) -> str:
        return ping_url(self.context.get("request"), heartbeat.token)

    def get_badge_url(self, heartbeat: Heartbeat) -> str:
        return badge_url(self.context.get("request"), heartbeat.badge_key)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["notifications"] = [c.pk for c in instance.notifications.all()]
        data["depends_on"] = [m.pk for m in instance.depends_on.all()]
        return data


class HeartbeatPingSerializer(serializers.ModelSerializer):
    class Meta:
        model = HeartbeatPing
        fields = [
            "id",
            "received_at",
            "kind",
            "exit_status",
            "rid",
            "duration",
            "method",
            "remote_addr",
            "user_agent",
            "body",
        ]
