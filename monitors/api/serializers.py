from __future__ import annotations

from rest_framework import serializers

from monitors.choices import MonitorType
from monitors.models import CheckResult, Incident, Monitor
from monitors.public_urls import badge_url
from monitors.selectors import display_status
from monitors.services.scheduling import MAX_INTERVAL_SECONDS


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class MonitorSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=MonitorType.choices)
    project_id = serializers.IntegerField(required=False, allow_null=True)
    notifications = serializers.ListField(child=serializers.IntegerField(), required=False, write_only=True)
    depends_on = serializers.ListField(child=serializers.IntegerField(), required=False, write_only=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    locations = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text='Where it is checked from: "local" (the platform) and probe locations; default ["local"].',
    )
    quorum = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Down when at least this many locations see it down; null: all but one of 3 or more, "
        "else all.",
    )
    quorum_needed = serializers.IntegerField(read_only=True)
    check_interval = serializers.IntegerField(min_value=10, max_value=MAX_INTERVAL_SECONDS, default=60)
    timeout = serializers.FloatField(min_value=0.5, max_value=120, default=10)
    retries = serializers.IntegerField(min_value=0, max_value=10, default=0)
    retry_interval = serializers.IntegerField(min_value=5, max_value=MAX_INTERVAL_SECONDS, default=20)
    port = serializers.IntegerField(min_value=1, max_value=65535, required=False, allow_null=True)
    expected_status = serializers.ListField(child=serializers.RegexField(r"^\d{3}(-\d{3})?$"), required=False)
    is_ok = serializers.BooleanField(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="pending, up, down, paused, or maintenance while a maintenance window covers it."
    )
    uptime = serializers.SerializerMethodField(
        help_text="Percent of passed checks in the last 24 hours (from rollups, refreshed every minute)."
    )
    uptimes = serializers.SerializerMethodField(help_text='{"24h", "7d", "30d"} percentages.')
    badge_url = serializers.SerializerMethodField(
        help_text="A public badge (SVG; .json for Shields); ?type=uptime&period=30d for uptime."
    )
    response_time = serializers.FloatField(source="last_response_time_ms", read_only=True, allow_null=True)

    class Meta:
        model = Monitor
        fields = [
            "id",
            "name",
            "type",
            "target",
            "port",
            "method",
            "headers",
            "body",
            "expected_status",
            "follow_redirects",
            "verify_tls",
            "keyword",
            "keyword_absent",
            "json_path",
            "json_expected",
            "cert_warn_days",
            "dns_record_type",
            "thresholds",
            "dns_expected",
            "check_interval",
            "timeout",
            "retries",
            "retry_interval",
            "is_enabled",
            "is_paused",
            "expires_at",
            "notifications",
            "depends_on",
            "project_id",
            "tags",
            "locations",
            "quorum",
            "quorum_needed",
            "status",
            "is_ok",
            "uptime",
            "uptimes",
            "response_time",
            "badge_url",
            "last_checked_at",
            "last_error",
            "cert_days_left",
            "consecutive_failures",
            "next_check_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "is_paused",
            "status",
            "last_checked_at",
            "last_error",
            "cert_days_left",
            "consecutive_failures",
            "next_check_at",
            "created_at",
            "updated_at",
        ]

    def get_status(self, monitor: Monitor) -> str:
        return display_status(monitor, self.context.get("maintenance_windows", []))

    def get_badge_url(self, monitor: Monitor) -> str:
        return badge_url(self.context.get("request"), monitor.badge_key)

    def get_uptime(self, monitor: Monitor) -> float | None:
        return _rounded(monitor.uptime_24h)

    def get_uptimes(self, monitor: Monitor) -> dict[str, float | None]:
        return {
            "24h": _rounded(monitor.uptime_24h),
            "7d": _rounded(monitor.uptime_7d),
            "30d": _rounded(monitor.uptime_30d),
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("push_token"):  # a new host monitor's token, shown this once
            data["push_token"] = self.context["push_token"]
        data["notifications"] = [c.pk for c in instance.notifications.all()]
        data["depends_on"] = [m.pk for m in instance.depends_on.all()]
        return data


class _ProbeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    online = serializers.BooleanField()


class MonitorLocationSerializer(serializers.Serializer):
    location = serializers.CharField()
    status = serializers.CharField(help_text="pending, up or down as this location sees it.")
    in_quorum = serializers.BooleanField(help_text="False once the location has been silent past the grace.")
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_response_time_ms = serializers.FloatField(allow_null=True)
    last_error = serializers.CharField()
    probes = _ProbeSerializer(many=True, help_text="The probes serving this location (none for local).")
    checks_24h = serializers.IntegerField()
    failures_24h = serializers.IntegerField()
    uptime_24h = serializers.FloatField(allow_null=True)
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)
    p99_ms = serializers.FloatField(allow_null=True)


class QuorumSerializer(serializers.Serializer):
    needed = serializers.IntegerField(help_text="Locations that must see it down (the monitor's rule).")
    effective = serializers.IntegerField(help_text="The same, capped at the locations reporting now.")
    reporting = serializers.IntegerField()
    down = serializers.ListField(child=serializers.CharField())
    is_down = serializers.BooleanField()


class UptimeSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["24h", "7d", "30d", "90d"], default="24h")


class _ResponseTimeSerializer(serializers.Serializer):
    avg = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)
    p99 = serializers.FloatField(allow_null=True)


class UptimeResultSerializer(serializers.Serializer):
    monitor_id = serializers.IntegerField()
    period = serializers.CharField()
    uptime_percent = serializers.FloatField(allow_null=True)
    checks = serializers.IntegerField()
    failures = serializers.IntegerField()
    response_time = _ResponseTimeSerializer()


class BulkUpdateSerializer(serializers.Serializer):
    monitor_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=1000)
    updates = serializers.DictField()


class CheckResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckResult
        fields = [
            "checked_at",
            "scheduled_for",
            "location",
            "ok",
            "response_time_ms",
            "status_code",
            "error",
        ]


class IncidentSerializer(serializers.ModelSerializer):
    monitor = serializers.SerializerMethodField(help_text="The monitor, for source_type monitor.")
    heartbeat = serializers.SerializerMethodField(help_text="The heartbeat, for source_type heartbeat.")
    duration_seconds = serializers.FloatField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "source_type",
            "monitor",
            "heartbeat",
            "status",
            "cause",
            "started_at",
            "resolved_at",
            "duration_seconds",
            "error_message",
            "locations",
        ]

    def get_monitor(self, incident: Incident) -> dict | None:
        monitor = incident.monitor
        return None if monitor is None else {"id": monitor.pk, "name": monitor.name, "type": monitor.type}

    def get_heartbeat(self, incident: Incident) -> dict | None:
        heartbeat = incident.heartbeat
        return None if heartbeat is None else {"id": heartbeat.pk, "name": heartbeat.name}
