from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from agents.models.agents import Agent


class AgentControl(models.Model):
    """One control applied to an agent (pause, resume, restart, scale): the audit list on the agent, and
    the command delivered to the agent (in its heartbeat answers until it acknowledges it)."""

    class Action(models.TextChoices):
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"
        RESTART = "restart", "Restart"
        SCALE = "scale", "Scale"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="controls")
    command_id = models.UUIDField(default=uuid.uuid4, unique=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    by = models.CharField(max_length=200, blank=True, default="")
    previous_status = models.CharField(max_length=10, blank=True, default="")
    current_status = models.CharField(max_length=10, blank=True, default="")
    issued_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(
                fields=["agent", "issued_at"],
                name="agentcontrol_pending_idx",
                condition=models.Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.agent_id} at {self.issued_at:%Y-%m-%d %H:%M}"

    def command(self) -> dict:
        """What the agent receives."""
        return {
            "id": str(self.command_id),
            "action": self.action,
            "params": self.params,
            "reason": self.reason,
            "issued_at": self.issued_at.isoformat().replace("+00:00", "Z"),
        }
