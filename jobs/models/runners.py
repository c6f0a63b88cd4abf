from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from monitoring_site.accounts.models import Organization


class EnrollmentToken(models.Model):
    """An organization's token for registering runners (``POST /runners/register``). Stored hashed; the
    token is shown once. It can register runners and do nothing else."""

    PREFIX = "enr_"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="enrollment_tokens")
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"


class Runner(models.Model):
    """A remote runner: a process on another host that pulls jobs (so it works behind NAT). It
    authenticates with its own token (stored hashed, shown once at registration), which can heartbeat,
    claim jobs for this runner and report their results, and nothing else. Jobs are offered to it when they
    are pinned to it, carry one of its ``labels``, or name no runner at all."""

    PREFIX = "rnr_"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="runners")
    name = models.CharField(max_length=200)
    labels = models.JSONField(default=list, blank=True)
    locations = models.JSONField(
        default=list, blank=True, help_text="As a probe: the locations it checks monitors from."
    )
    hostname = models.CharField(max_length=255, blank=True, default="")
    version = models.CharField(max_length=50, blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=16)
    host_monitor = models.ForeignKey(
        "monitors.Monitor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A host monitor fed with the stats the runner sends in its heartbeats.",
    )
    enabled = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True, help_text="When it was found silent.")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["last_heartbeat_at"], name="runner_heartbeat_idx")]

    def __str__(self) -> str:
        return self.name

    def is_online(self, now=None) -> bool:
        if self.last_heartbeat_at is None:
            return False
        now = now or timezone.now()
        return (now - self.last_heartbeat_at).total_seconds() <= settings.JOBS_RUNNER_OFFLINE_SECONDS
