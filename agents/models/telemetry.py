from __future__ import annotations

from django.db import models

from agents.models.agents import Agent


class AgentRequestEvent(models.Model):
    """One request an agent served, as it reported it (kept for ``AGENT_EVENT_RETENTION_DAYS``; rollups
    keep the figures longer)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="request_events")
    organization_id = models.BigIntegerField(db_index=False)
    timestamp = models.DateTimeField()
    request_id = models.CharField(max_length=200, blank=True, default="")
    model = models.CharField(max_length=200, blank=True, default="")
    latency_ms = models.FloatField()
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    success = models.BooleanField(default=True)
    error_type = models.CharField(max_length=100, blank=True, default="")
    error_message = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["agent", "timestamp"], name="agentevent_agent_time_idx"),
            models.Index(fields=["organization_id", "timestamp"], name="agentevent_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.timestamp:%Y-%m-%d %H:%M:%S} {self.model}"
