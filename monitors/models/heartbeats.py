from __future__ import annotations

from django.db import models
from django.utils import timezone as dj_timezone

from alerts.models import NotificationChannel
from monitoring_site.accounts.badges import new_badge_key
from monitoring_site.accounts.models import Organization, Project
from monitors.choices import HeartbeatStatus, PingKind


class Heartbeat(models.Model):
    """A job that pings us: expected every ``run_interval`` seconds or on a ``cron`` schedule (in
    ``timezone``), late from ``late_at`` and down from ``down_at`` (the expected time plus the grace).

    ``token`` is the secret part of the ping URL. It is kept in clear, like the ping URLs of Healthchecks
    and Uptime Kuma: it can do nothing but ping this heartbeat, and the dashboard shows the URL in its cron
    examples. ``regenerate-token`` replaces it.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="heartbeats")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="heartbeats"
    )
    name = models.CharField(max_length=200)
    token = models.CharField(max_length=64, unique=True)
    run_interval = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds between runs.")
    cron = models.CharField(max_length=100, blank=True, default="")
    timezone = models.CharField(max_length=64, default="UTC")
    grace_period = models.PositiveIntegerField(default=300, help_text="Seconds of lateness tolerated.")
    notifications = models.ManyToManyField(NotificationChannel, blank=True, related_name="heartbeats")
    tags = models.JSONField(default=list, blank=True)
    badge_key = models.CharField(max_length=32, unique=True, default=new_badge_key)
    depends_on = models.ManyToManyField("monitors.Monitor", blank=True, related_name="dependent_heartbeats")
    is_paused = models.BooleanField(default=False)
    # state, written by the services
    status = models.CharField(max_length=16, choices=HeartbeatStatus.choices, default=HeartbeatStatus.NEW)
    last_ping_at = models.DateTimeField(null=True, blank=True)
    last_start_at = models.DateTimeField(null=True, blank=True)
    last_duration = models.FloatField(null=True, blank=True, help_text="Seconds from start to success.")
    late_at = models.DateTimeField(null=True, blank=True)
    down_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["late_at"],
                name="heartbeat_late_idx",
                condition=models.Q(status__in=["up", "started"]),
            ),
            models.Index(
                fields=["down_at"],
                name="heartbeat_down_idx",
                condition=models.Q(status__in=["up", "started", "late"]),
            ),
            models.Index(fields=["organization", "status"], name="heartbeat_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def next_expected_at(self):
        return self.late_at

    def payload(self) -> dict:
        """The ``heartbeat`` object of events."""
        return {"id": self.pk, "name": self.name, "status": self.status}


class HeartbeatPing(models.Model):
    """One ping as received: what it said, its body (capped), who sent it."""

    heartbeat = models.ForeignKey(Heartbeat, on_delete=models.CASCADE, related_name="pings")
    received_at = models.DateTimeField(default=dj_timezone.now)
    kind = models.CharField(max_length=8, choices=PingKind.choices)
    exit_status = models.PositiveSmallIntegerField(null=True, blank=True)
    rid = models.UUIDField(null=True, blank=True, help_text="The run id pairing a start with its end.")
    duration = models.FloatField(null=True, blank=True, help_text="Seconds since the matching start.")
    method = models.CharField(max_length=8, default="GET")
    remote_addr = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["heartbeat", "-received_at"], name="ping_heartbeat_time_idx"),
            models.Index(fields=["received_at"], name="ping_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.heartbeat_id} {self.kind} at {self.received_at:%H:%M:%S}"
