from __future__ import annotations

from django.db import models

from agents.models.agents import Agent
from agents.models.rollup_base import RequestRollup


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
    # set when the request came as an OTLP GenAI span (``timestamp`` is then the span's start)
    trace_id = models.CharField(max_length=32, blank=True, default="")
    span_id = models.CharField(max_length=16, blank=True, default="")
    parent_span_id = models.CharField(max_length=16, blank=True, default="")
    span_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["agent", "timestamp"], name="agentevent_agent_time_idx"),
            models.Index(fields=["organization_id", "timestamp"], name="agentevent_org_time_idx"),
            models.Index(
                fields=["organization_id", "trace_id"],
                name="agentevent_trace_idx",
                condition=~models.Q(trace_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.timestamp:%Y-%m-%d %H:%M:%S} {self.model}"


class AgentRollup(RequestRollup):
    """An agent's requests of one minute or one hour for one model: counts, tokens, the latency sum and a
    mergeable latency sketch (``monitoring_site.metrics.sketch``), so p50/p95/p99 over any period come from
    merged rollups within 1% of the exact value. Written at ingestion, in the batch's transaction, so late
    events land in their own minute. Cost is priced at read time (prices change)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="rollups")
    model = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "resolution", "start", "model"], name="agentrollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization_id", "resolution", "start"], name="agentrollup_org_idx")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.resolution} {self.start:%Y-%m-%d %H:%M} {self.model}"


class AgentFleetRollup(RequestRollup):
    """An organization's requests of one minute, hour or day for one model, over all its agents: what the
    fleet dashboard and the fleet-wide metrics read, so a week costs a few hundred rows whatever the fleet
    size. Written at ingestion next to the agent's own rollups with one upsert whose sketch merge runs in
    the database. Agents are spread over a few rows per key (``agents.services.fleet_rollups.SHARDS``)
    so concurrent batches of different agents rarely wait on the same row; readers sum the shards."""

    model = models.CharField(max_length=200, blank=True, default="")
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)  # a whole fleet's minute: wider than one agent's
    failures = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "resolution", "start", "model", "shard"],
                name="agentfleetrollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"org {self.organization_id} {self.resolution} {self.start:%Y-%m-%d %H:%M} {self.model}"
