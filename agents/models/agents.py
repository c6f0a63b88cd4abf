from __future__ import annotations

from django.db import models
from django.utils import timezone

from agents.choices import AgentStatus
from monitoring_site.accounts.models import Organization


class Agent(models.Model):
    """An AI agent of the fleet. It reports with its own ingest token (stored as SHA-256, shown once),
    which can do nothing but heartbeat and send telemetry for this agent.

    ``status`` is derived (``agents.services.status``): offline when heartbeats stop for
    ``offline_after_seconds``, degraded when a health check fails or latency or error rate cross the
    agent's thresholds, healthy otherwise; paused, starting and stopping come from controls or the agent's
    own hint."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agents")
    name = models.CharField(max_length=200)
    external_id = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="Your own id of the agent (agent_voice_ai_001): unique in the organization when set; the "
        "AI agent monitoring API (/api/v1/monitoring) names agents by it.",
    )
    type = models.CharField(max_length=100, default="agent")
    version = models.CharField(max_length=50, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    configuration = models.JSONField(default=dict, blank=True)
    desired_replicas = models.PositiveSmallIntegerField(default=1)
    ingest_token_hash = models.CharField(max_length=64, unique=True)
    ingest_token_prefix = models.CharField(max_length=16)
    # thresholds of the status derivation
    offline_after_seconds = models.PositiveIntegerField(default=120)
    latency_threshold_ms = models.FloatField(null=True, blank=True, help_text="p95 above this: degraded.")
    error_rate_threshold_percent = models.FloatField(default=5.0)
    # state, written by the services
    status = models.CharField(max_length=10, choices=AgentStatus.choices, default=AgentStatus.OFFLINE)
    reported_status = models.CharField(max_length=10, blank=True, default="", help_text="The last hint.")
    started_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    offline_at = models.DateTimeField(null=True, blank=True, help_text="When silence makes it offline.")
    health_checks = models.JSONField(default=list, blank=True)
    dependencies = models.JSONField(default=list, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="agent_unique_name_per_organization"
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="agent_unique_external_id_per_organization",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="agent_org_status_idx"),
            models.Index(
                fields=["offline_at"],
                name="agent_offline_due_idx",
                condition=~models.Q(status__in=["offline", "paused"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def payload(self) -> dict:
        """The ``agent`` object of events."""
        return {"id": self.pk, "name": self.name, "type": self.type, "status": self.status}


class ModelPrice(models.Model):
    """What one model costs an organization, per million input and output tokens (USD)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="model_prices")
    model = models.CharField(max_length=200)
    input_per_million_usd = models.DecimalField(max_digits=12, decimal_places=6)
    output_per_million_usd = models.DecimalField(max_digits=12, decimal_places=6)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model"]
        constraints = [models.UniqueConstraint(fields=["organization", "model"], name="modelprice_unique")]

    def __str__(self) -> str:
        return self.model


class AgentStatusChange(models.Model):
    """One change of an agent's status (uptime is the share of a period not spent offline)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="status_changes")
    at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AgentStatus.choices)
    previous_status = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["agent", "at"], name="agentstatus_agent_at_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.previous_status} -> {self.status} at {self.at:%Y-%m-%d %H:%M}"
