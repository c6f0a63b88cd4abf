from __future__ import annotations

from django.db import models
from django.utils import timezone as dj_timezone

from monitoring_site.accounts.models import Organization
from monitors.choices import PageIncidentStatus
from monitors.models.heartbeats import Heartbeat
from monitors.models.monitor import Monitor


class StatusPage(models.Model):
    """A public (or private) page of components' states and the operator's incident notes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="status_pages")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="The public URL: /status/{slug}")
    description = models.TextField(blank=True, default="")
    is_public = models.BooleanField(default=True)
    show_locations = models.BooleanField(
        default=False, help_text="Show each location's state for monitors checked from several."
    )
    logo = models.TextField(
        blank=True,
        default="",
        help_text="The page's logo as a data: URI (uploaded in the dashboard, 256 kB at most).",
    )
    incident_status = models.CharField(
        max_length=16, choices=PageIncidentStatus.choices, default=PageIncidentStatus.NONE
    )
    incident_message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class StatusPageComponent(models.Model):
    """One monitor or heartbeat shown on a page, in a group, in order."""

    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="components")
    group = models.CharField(max_length=100, blank=True, default="")
    name = models.CharField(
        max_length=200, blank=True, default="", help_text="Shown instead of its own name."
    )
    position = models.PositiveIntegerField(default=0)
    monitor = models.ForeignKey(Monitor, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monitor__isnull=False, heartbeat__isnull=True)
                | models.Q(monitor__isnull=True, heartbeat__isnull=False),
                name="component_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        source = self.monitor or self.heartbeat
        return self.name or (source.name if source else "")


class StatusPageUpdate(models.Model):
    """Each change of a page's incident status or message, kept for its history."""

    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="updates")
    incident_status = models.CharField(max_length=16, choices=PageIncidentStatus.choices)
    message = models.TextField(blank=True, default="")
    author = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.page} {self.incident_status} at {self.created_at:%Y-%m-%d %H:%M}"
