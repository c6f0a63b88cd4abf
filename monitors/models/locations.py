from __future__ import annotations

from django.db import models
from django.utils import timezone

from monitors.choices import MonitorStatus
from monitors.models.monitor import Monitor

LOCAL = "local"


class MonitorLocation(models.Model):
    """A monitor as seen from one location: that location's status (its own retries applied), its last
    result, and for a probe location the schedule and the lease (claim-and-lease, like a runner's jobs).

    A probe claims a row: ``leased_due`` is the due time the check runs for, ``lease_until`` when the claim
    runs out and the row may be claimed again to re-run that same due time; ``next_check_at`` has already
    moved on. A result is accepted only from the probe holding the lease, for the leased due time, once.
    The ``local`` row holds state only: the platform's checker schedules on ``Monitor.next_check_at``."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="location_states")
    location = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=MonitorStatus.choices, default=MonitorStatus.PENDING)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_response_time_ms = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    next_check_at = models.DateTimeField(null=True, blank=True)
    leased_by = models.ForeignKey(
        "jobs.Runner", null=True, blank=True, on_delete=models.SET_NULL, related_name="leased_checks"
    )
    leased_due = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(default=timezone.now, help_text="When the monitor got this location.")

    class Meta:
        ordering = ["monitor_id", "location"]
        constraints = [
            models.UniqueConstraint(fields=["monitor", "location"], name="monitor_location_once"),
        ]
        indexes = [models.Index(fields=["location", "next_check_at"], name="monitor_location_due_idx")]

    def __str__(self) -> str:
        return f"{self.monitor_id} from {self.location}: {self.status}"
