from __future__ import annotations

from django.db import models
from django.utils import timezone

from monitoring_site.accounts.models import Organization
from monitors.choices import IncidentCause, IncidentSource, IncidentStatus, MonitorStatus
from monitors.models.heartbeats import Heartbeat
from monitors.models.monitor import Monitor


class StatusChange(models.Model):
    """Every transition of a monitor's status, written with the compare-and-swap that made it."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MonitorStatus.choices)
    to_status = models.CharField(max_length=16, choices=MonitorStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.monitor_id}: {self.from_status} -> {self.to_status}"


class Incident(models.Model):
    """A monitor's or a heartbeat's time down, from the failure that took it down to the success that
    brought it back. At most one open incident per source (a constraint, so a re-run check or a repeated
    ping cannot open a second)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="incidents")
    source_type = models.CharField(
        max_length=12, choices=IncidentSource.choices, default=IncidentSource.MONITOR
    )
    monitor = models.ForeignKey(
        Monitor, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents"
    )
    heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents"
    )
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    cause = models.CharField(max_length=20, choices=IncidentCause.choices, default=IncidentCause.FAILURE)
    started_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    error_message = models.CharField(max_length=500, blank=True, default="")
    locations = models.JSONField(
        default=dict, blank=True, help_text='What each location saw when it opened: {"eu-west": "down"}.'
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitor"],
                condition=models.Q(status=IncidentStatus.OPEN),
                name="incident_one_open_per_monitor",
            ),
            models.UniqueConstraint(
                fields=["heartbeat"],
                condition=models.Q(status=IncidentStatus.OPEN),
                name="incident_one_open_per_heartbeat",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source_type="monitor", monitor__isnull=False, heartbeat__isnull=True)
                    | models.Q(source_type="heartbeat", heartbeat__isnull=False, monitor__isnull=True)
                ),
                name="incident_one_source",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-started_at"], name="incident_org_time_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.status} since {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def source(self) -> Monitor | Heartbeat | None:
        return self.monitor if self.source_type == IncidentSource.MONITOR else self.heartbeat

    @property
    def duration_seconds(self) -> float:
        end = self.resolved_at or timezone.now()
        return (end - self.started_at).total_seconds()
