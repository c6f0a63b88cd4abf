from django.db import models
from django.utils import timezone

from monitors.models.monitor import Monitor


class HostStat(models.Model):
    """One report of a host monitor: percentages of CPU, memory and cache in use, and per-disk usage."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="host_stats")
    received_at = models.DateTimeField(default=timezone.now)
    cpu = models.FloatField(null=True, blank=True)
    mem = models.FloatField(null=True, blank=True)
    cache = models.FloatField(null=True, blank=True)
    disk = models.JSONField(default=list, blank=True, help_text='[{"name": "/", "value": 71.5}]')

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["monitor", "-received_at"], name="hoststat_monitor_time_idx")]

    def __str__(self) -> str:
        return f"{self.monitor_id} stats at {self.received_at:%H:%M:%S}"


class CheckResult(models.Model):
    """One check of a monitor, kept raw for ``CHECK_RESULT_RETENTION_DAYS``."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="results")
    checked_at = models.DateTimeField(default=timezone.now)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="The due time the check ran for.")
    ok = models.BooleanField()
    response_time_ms = models.FloatField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    location = models.CharField(max_length=64, default="local")

    class Meta:
        ordering = ["-checked_at"]
        indexes = [
            models.Index(fields=["monitor", "-checked_at"], name="result_monitor_time_idx"),
            models.Index(fields=["checked_at"], name="result_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.monitor_id} {'ok' if self.ok else 'failed'} at {self.checked_at:%H:%M:%S}"
