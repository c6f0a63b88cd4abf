"""Who paused or resumed what, and when: one row per pause or resume of a monitor, heartbeat, alert rule
or agent, written in the same transaction as the change (docs/design.md, "Pauses")."""

from __future__ import annotations

from django.db import models


class PauseRecord(models.Model):
    class Action(models.TextChoices):
        PAUSE = "pause", "Paused"
        RESUME = "resume", "Resumed"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="pause_records"
    )
    subject_type = models.CharField(max_length=20)  # monitor, heartbeat, alert_rule, agent
    subject_id = models.BigIntegerField()
    action = models.CharField(max_length=6, choices=Action.choices)
    actor = models.CharField(max_length=200, blank=True, default="")  # a username, api-key:name, admin ...
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="pause_subject_at_idx")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id} {self.action} by {self.actor or 'system'}"
