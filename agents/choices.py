"""Statuses and kinds of the agents domain."""

from django.db import models


class AgentStatus(models.TextChoices):
    HEALTHY = "healthy", "Operating normally"
    DEGRADED = "degraded", "Performance issues"
    OFFLINE = "offline", "Not responding"
    PAUSED = "paused", "Manually paused"
    STARTING = "starting", "Initializing"
    STOPPING = "stopping", "Shutting down"


# Statuses a heartbeat's own hint may set; paused comes from controls only.
REPORTED_STATUSES = (AgentStatus.HEALTHY, AgentStatus.DEGRADED, AgentStatus.STARTING, AgentStatus.STOPPING)


class CheckStatus(models.TextChoices):
    PASS = "pass", "Pass"
    WARN = "warn", "Warn"
    FAIL = "fail", "Fail"
