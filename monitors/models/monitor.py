from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from alerts.models import NotificationChannel
from monitoring_site.accounts.badges import new_badge_key
from monitoring_site.accounts.models import Organization, Project
from monitors.choices import MonitorStatus, MonitorType


def _local_only() -> list[str]:
    return ["local"]


class Monitor(models.Model):
    """One active check. ``next_check_at`` is its due time, claimed by the dispatcher (DESIGN section 2).

    ``retries`` are extra failed checks tolerated before the monitor goes down (0: the first failure),
    repeated every ``retry_interval`` seconds (Uptime Kuma's meaning).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="monitors")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="monitors"
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=16, choices=MonitorType.choices)
    target = models.CharField(
        max_length=2000, help_text="A URL for website kinds, else a host name or address."
    )
    port = models.PositiveIntegerField(null=True, blank=True)
    # website, keyword and json
    method = models.CharField(max_length=8, default="GET")
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True, default="")
    expected_status = models.JSONField(
        default=list, blank=True, help_text='e.g. [200, "300-399"]; empty: 2xx'
    )
    follow_redirects = models.BooleanField(default=True)
    keyword = models.CharField(max_length=500, blank=True, default="")
    keyword_absent = models.BooleanField(default=False, help_text="Fail when the keyword IS present.")
    json_path = models.CharField(
        max_length=500, blank=True, default="", help_text="Dotted path: data.items.0.state"
    )
    json_expected = models.CharField(max_length=500, blank=True, default="")
    cert_warn_days = models.PositiveIntegerField(default=14)
    verify_tls = models.BooleanField(
        default=True, help_text="Fail on an invalid certificate (self-signed, expired)."
    )
    # dns
    dns_record_type = models.CharField(max_length=8, default="A")
    dns_expected = models.CharField(max_length=500, blank=True, default="")
    # host: stats pushed by the host, authenticated by a token shown once (only its hash is kept)
    push_token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    thresholds = models.JSONField(
        default=dict, blank=True, help_text='{"cpu": 90, "mem": 90, "disk": 95} (percent)'
    )
    # scheduling
    check_interval = models.PositiveIntegerField(default=60)
    timeout = models.FloatField(default=10)
    retries = models.PositiveIntegerField(default=0)
    retry_interval = models.PositiveIntegerField(default=20)
    is_enabled = models.BooleanField(default=True)
    is_paused = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    notifications = models.ManyToManyField(NotificationChannel, blank=True, related_name="monitors")
    tags = models.JSONField(default=list, blank=True)
    # where it is checked from: "local" is the platform's own checker, anything else a probe's location
    locations = models.JSONField(default=_local_only, blank=True)
    quorum = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Down when this many locations see it down (empty: the default).",
    )
    checks_local = models.BooleanField(default=True, help_text='"local" is among the locations.')
    badge_key = models.CharField(max_length=32, unique=True, default=new_badge_key)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependents")
    # state, written by the services
    status = models.CharField(max_length=16, choices=MonitorStatus.choices, default=MonitorStatus.PENDING)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_response_time_ms = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    cert_days_left = models.IntegerField(null=True, blank=True)
    cert_warned = models.BooleanField(
        default=False, help_text="The certificate-expiry warning was sent for the current certificate."
    )
    # uptime percentages from the rollups, refreshed by the rollup task (24 h every minute, 7 d and 30 d
    # every hour), so lists sort by uptime with an index instead of aggregating results per request
    uptime_24h = models.FloatField(null=True, blank=True)
    uptime_7d = models.FloatField(null=True, blank=True)
    uptime_30d = models.FloatField(null=True, blank=True)
    next_check_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="monitor_due_idx",
                condition=models.Q(is_enabled=True, is_paused=False, checks_local=True),
            ),
            models.Index(fields=["organization", "status"], name="monitor_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    @property
    def is_ok(self) -> bool:
        return self.status == MonitorStatus.UP

    @property
    def quorum_needed(self) -> int:
        """Down when at least this many of its locations see it down: ``quorum``, or all but one of three
        or more locations, or all of one or two."""
        count = len(self.locations or ["local"])
        return self.quorum or (count - 1 if count >= 3 else count)

    @property
    def is_multi_location(self) -> bool:
        return list(self.locations or ["local"]) != ["local"]

    def payload(self) -> dict:
        """The ``monitor`` object of events (DESIGN section 6)."""
        return {
            "id": self.pk,
            "name": self.name,
            "type": self.type,
            "target": self.target,
            "status": self.status,
        }
