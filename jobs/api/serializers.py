from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.choices import ScheduleType, TaskKind
from jobs.models import EnrollmentToken, Job, JobStatusAudit, Runner, Task
from jobs.services.tasks import RUNNER_FORMS, runner_target, runner_text
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.compat.base import StrictSerializer

RUNNER_HELP = (
    '"local" (a platform worker), "remote" (any runner), "label:<label>" (runners with that label) or '
    '"id:<runner id>" (that runner).'
)
SCHEDULE_HELP = (
    'null (on demand), {"type": "interval", "seconds": 300} or '
    '{"type": "cron", "cron": "0 3 * * *", "timezone": "Europe/Paris"}.'
)


def schedule_object(task: Task) -> dict[str, Any] | None:
    if task.schedule_type == ScheduleType.INTERVAL:
        return {"type": "interval", "seconds": task.interval_seconds}
    if task.schedule_type == ScheduleType.CRON:
        return {"type": "cron", "cron": task.cron, "timezone": task.timezone}
    return None


class TaskSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TaskKind.choices, default=TaskKind.NOOP)
    argv = serializers.ListField(
        child=serializers.CharField(max_length=4096, allow_blank=True), required=False
    )
    arguments = serializers.JSONField(
        required=False, help_text="[{name, type, required?, default?, choices?}]"
    )
    headers = serializers.DictField(child=serializers.CharField(max_length=4096), required=False)
    runner = serializers.CharField(required=False, default="local", help_text=RUNNER_HELP)
    schedule = serializers.JSONField(required=False, allow_null=True, help_text=SCHEDULE_HELP)
    timeout = serializers.IntegerField(min_value=1, max_value=2**31 - 1, default=300)
    max_output_bytes = serializers.IntegerField(min_value=1024, max_value=2**31 - 1, default=65536)
    retries = serializers.IntegerField(min_value=0, max_value=10, default=0)
    max_runs = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    is_recurring = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "name",
            "description",
            "task_type",
            "kind",
            "executable",
            "argv",
            "environment",
            "url",
            "method",
            "headers",
            "body",
            "arguments",
            "queue",
            "runner",
            "timeout",
            "max_output_bytes",
            "retries",
            "schedule",
            "max_runs",
            "run_until",
            "next_run_at",
            "run_count",
            "is_recurring",
            "enabled",
            "secret_key_prefix",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["next_run_at", "run_count", "secret_key_prefix", "created_at", "updated_at"]

    def validate_runner(self, value: str) -> dict[str, Any]:
        target = runner_target(value, request_tenant(self.context["request"]).organization)
        if target is None:
            raise serializers.ValidationError(f"Use {RUNNER_FORMS} (a runner of this organization).")
        return target

    def validate_schedule(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {"schedule_type": ScheduleType.NONE, "interval_seconds": None, "cron": ""}
        if not isinstance(value, dict) or value.get("type") not in ("interval", "cron"):
            raise serializers.ValidationError(SCHEDULE_HELP)
        if value["type"] == "interval":
            seconds = value.get("seconds")
            if not isinstance(seconds, int) or isinstance(seconds, bool):
                raise serializers.ValidationError("An interval schedule needs whole 'seconds'.")
            return {"schedule_type": ScheduleType.INTERVAL, "interval_seconds": seconds, "cron": ""}
        if not isinstance(value.get("cron"), str):
            raise serializers.ValidationError("A cron schedule needs a 'cron' expression.")
        return {
            "schedule_type": ScheduleType.CRON,
            "interval_seconds": None,
            "cron": value["cron"],
            "timezone": str(value.get("timezone") or "UTC"),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.update(attrs.pop("runner", None) or {})
        attrs.update(attrs.pop("schedule", None) or {})
        return attrs

    def to_representation(self, instance: Task) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["runner"] = runner_text(instance)
        data["schedule"] = schedule_object(instance)
        return data


class TaskCreatedSerializer(TaskSerializer):
    """A task with its secret key, which the view passes in the context (``secret_key``)."""

    secret_key = serializers.SerializerMethodField(help_text="Shown once; store it now.")

    def get_secret_key(self, task) -> str:
        return self.context["secret_key"]

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "secret_key"]


class JobSerializer(serializers.ModelSerializer):
    task_name = serializers.CharField(source="task.name", read_only=True)
    queue_name = serializers.CharField(source="queue", read_only=True)
    runner = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "task",
            "task_name",
            "task_type",
            "queue_name",
            "is_recurring",
            "arguments",
            "status",
            "target",
            "runner",
            "scheduled_for",
            "created_at",
            "started_at",
            "completed_at",
            "duration",
            "exit_code",
            "lastline",
            "signal",
            "killed",
            "error",
            "cancel_requested",
            "triggered_by",
            "triggered_by_name",
            "attempt",
            "retry_of",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "description": "The remote runner that ran it; null for the platform's own workers.",
        }
    )
    def get_runner(self, job: Job) -> dict[str, Any] | None:
        return {"id": job.runner_id, "name": job.runner.name} if job.runner_id and job.runner else None


class JobDetailSerializer(JobSerializer):
    result = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "log", "result"]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "nullable": True, "description": "The outcome; null until the job has finished."}
    )
    def get_result(self, job: Job) -> dict[str, Any] | None:
        if not job.is_finished:
            return None
        return {
            "exit_code": job.exit_code,
            "log": job.log,
            "lastline": job.lastline,
            "signal": job.signal,
            "killed": job.killed,
            "duration": job.duration,
        }


class JobCreateSerializer(serializers.Serializer):
    task = serializers.IntegerField(help_text="The task's id.")
    task_arguments = serializers.JSONField(
        required=False,
        default=list,  # type: ignore[arg-type]
        help_text="Positional values, [{name, value}] or an object by name.",
    )


class JobArgumentsSerializer(serializers.Serializer):
    task_arguments = serializers.JSONField(required=False, default=list)  # type: ignore[arg-type]


class JobStatusAuditSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobStatusAudit
        fields = ["id", "job", "old_status", "new_status", "at", "note"]


class RunnerSerializer(serializers.ModelSerializer):
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    locations = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text="As a probe: the locations it checks monitors from (docs/probes.md).",
    )
    online = serializers.SerializerMethodField()
    host_monitor_id = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Runner
        fields = [
            "id",
            "name",
            "labels",
            "locations",
            "hostname",
            "version",
            "token_prefix",
            "enabled",
            "online",
            "host_monitor_id",
            "registered_at",
            "last_heartbeat_at",
            "lost_at",
        ]
        read_only_fields = [
            "hostname",
            "version",
            "token_prefix",
            "registered_at",
            "last_heartbeat_at",
            "lost_at",
        ]

    def get_online(self, runner: Runner) -> bool:
        return runner.is_online()


class RunnerRegisterSerializer(serializers.Serializer):
    enrollment_token = serializers.CharField()
    name = serializers.CharField(max_length=200)
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    locations = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=16
    )
    hostname = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    version = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)


class RunnerHeartbeatSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=50, required=False)
    stats = serializers.DictField(
        required=False, help_text="Host stats {cpu, mem, cache, disk: [{name, value}]}."
    )


class ProbeResultSerializer(StrictSerializer):
    id = serializers.IntegerField(help_text="The lease id the claim gave.")
    due = serializers.DateTimeField(help_text="The due time the claim gave.")
    ok = serializers.BooleanField()
    response_time_ms = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=3.6e6)
    status_code = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=999)
    error = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    cert_days_left = serializers.IntegerField(
        required=False, allow_null=True, min_value=-100000, max_value=100000
    )
    started_at = serializers.DateTimeField(required=False, allow_null=True)


class ProbeResultsSerializer(StrictSerializer):
    results = serializers.ListField(child=ProbeResultSerializer(), max_length=5000)


class JobResultSerializer(serializers.Serializer):
    exit_code = serializers.IntegerField(required=False, allow_null=True)
    log = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    lastline = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    signal = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    killed = serializers.BooleanField(required=False, default=False)
    cancelled = serializers.BooleanField(required=False, default=False)
    duration = serializers.FloatField(required=False, min_value=0, default=0)
    error = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class EnrollmentTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentToken
        fields = ["id", "name", "display_prefix", "created_at", "revoked_at"]
        read_only_fields = ["display_prefix", "created_at", "revoked_at"]
