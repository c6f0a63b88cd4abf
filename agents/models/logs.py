from __future__ import annotations

from django.db import models

from agents.models.agents import Agent


class LogLevel(models.TextChoices):
    DEBUG = "debug", "Debug"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"
    CRITICAL = "critical", "Critical"


class AgentLog(models.Model):
    """One log line. Full-text search uses the database's own index, created by migration 0003: an FTS5
    table kept by triggers on SQLite, a stored ``tsvector`` column with a GIN index on Postgres
    (``agents.selectors.logs_search``)."""

    organization_id = models.BigIntegerField()
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="logs")
    timestamp = models.DateTimeField()
    level = models.CharField(max_length=8, choices=LogLevel.choices, default=LogLevel.INFO)
    message = models.TextField()
    context = models.JSONField(default=dict, blank=True)
    trace_id = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["organization_id", "timestamp"], name="agentlog_org_time_idx"),
            models.Index(fields=["agent", "timestamp"], name="agentlog_agent_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.level} {self.message[:60]}"
