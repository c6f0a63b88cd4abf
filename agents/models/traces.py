from __future__ import annotations

from django.db import models

from agents.models.agents import Agent
from agents.models.rollup_base import RequestRollup


class TraceSpan(models.Model):
    """One span received over OTLP that is not a GenAI call (those become ``AgentRequestEvent`` rows with
    their trace and span ids): what a trace's waterfall shows around the model calls. Kept for
    ``AGENT_EVENT_RETENTION_DAYS`` like the events."""

    organization_id = models.BigIntegerField()
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="spans")
    service = models.CharField(max_length=200, blank=True, default="")
    trace_id = models.CharField(max_length=32)
    span_id = models.CharField(max_length=16)
    parent_span_id = models.CharField(max_length=16, blank=True, default="")
    name = models.CharField(max_length=200)
    kind = models.PositiveSmallIntegerField(default=0, help_text="OTLP SpanKind: 1 internal, 2 server...")
    start = models.DateTimeField()
    duration_ms = models.FloatField()
    error = models.BooleanField(default=False)
    error_type = models.CharField(max_length=100, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization_id", "trace_id"], name="tracespan_trace_idx"),
            models.Index(fields=["organization_id", "start"], name="tracespan_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trace_id}/{self.span_id} {self.name}"


class ServiceRollup(RequestRollup):
    """A service's entry spans (server or consumer spans, and root spans) of one minute or hour, from OTLP:
    the request rate, error rate and latency percentiles the ``service_*`` metrics and alert rules read.
    Same columns and upsert as ``AgentRollup`` (tokens stay 0 unless the spans carry GenAI usage)."""

    service = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "service", "resolution", "start"], name="servicerollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.resolution} {self.start:%Y-%m-%d %H:%M}"
