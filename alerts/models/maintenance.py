from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from django.db import models
from django.utils import timezone as dj_timezone

from monitoring_site.accounts.models import Organization


class MaintenanceWindow(models.Model):
    """A time when events are recorded but channels are not notified.

    One-off (``starts_at`` to ``ends_at``) or recurring (``cron`` in ``timezone`` starts a window of
    ``duration_minutes``). Scoped to everything (``applies_to_all``) or to listed subjects
    (``subjects``: ``[{"type": "monitor", "id": 3}, {"type": "tag", "name": "db"},
    {"type": "status_page", "id": 2}, ...]``). A tag covers the monitors and heartbeats that carry it, a
    status page its components, as they are when the window is read: ``alerts.selectors.windows_resolved``
    puts them in ``covered``.
    """

    covered: frozenset[tuple[str, int]] = frozenset()  # set by windows_resolved; not a column

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    cron = models.CharField(max_length=100, blank=True, default="")
    timezone = models.CharField(max_length=64, default="UTC")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    applies_to_all = models.BooleanField(default=True)
    subjects = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def covers(self, subject_type: str, subject_id: int | None) -> bool:
        if self.applies_to_all:
            return True
        named = any(s.get("type") == subject_type and s.get("id") == subject_id for s in self.subjects or [])
        return named or (subject_type, subject_id) in self.covered

    def state(self, at: datetime) -> str:
        """``off``, ``in effect``, ``ended`` or ``scheduled`` (a recurring window between its runs too)."""
        if not self.is_active:
            return "off"
        if self.is_in_effect(at):
            return "in effect"
        if self.ends_at is not None and self.ends_at <= at:
            return "ended"
        return "scheduled"

    def is_in_effect(self, at: datetime) -> bool:
        if not self.is_active:
            return False
        if not self.cron:
            return bool(self.starts_at and self.ends_at and self.starts_at <= at < self.ends_at)
        if (self.starts_at and at < self.starts_at) or (self.ends_at and at >= self.ends_at):
            return False
        local = at.astimezone(ZoneInfo(self.timezone))
        # The latest start at or before `at`; the window is open if that start is recent enough.
        last_start = croniter(self.cron, local + timedelta(seconds=1)).get_prev(datetime)
        return local - last_start < timedelta(minutes=self.duration_minutes or 0)
