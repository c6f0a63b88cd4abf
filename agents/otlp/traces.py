"""Spans in: a GenAI span (one with ``gen_ai.*`` attributes, or OpenInference's ``llm.*``) becomes a
request event of its agent; any other span is kept for the trace waterfall, and a service's entry spans
(server or consumer spans, and roots) feed its request rate, error rate and latency rollups."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTracePartialSuccess,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from agents.models import Agent
from agents.otlp.senders import Sender
from agents.otlp.values import attributes, hex_id, nanos_to_datetime, service_of, text
from agents.services.ingest import FUTURE_SLACK, ReportedRequest, agent_requests_store
from agents.services.traces import SpanRow, service_rollups_add, spans_store

GENAI_KEYS = frozenset(
    (
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.operation.name",
        "gen_ai.system",
        "gen_ai.provider.name",
        "llm.model_name",
    )
)
INPUT_TOKENS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt")
OUTPUT_TOKENS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion")
STATUS_ERROR = 2  # Status.STATUS_CODE_ERROR
ENTRY_KINDS = (2, 5)  # SPAN_KIND_SERVER, SPAN_KIND_CONSUMER
UNKNOWN_SERVICE = "unknown_service"


def _tokens(attrs: dict[str, Any], keys: tuple[str, ...]) -> int:
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 2_000_000_000:
            return int(value)
    return 0


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ("" if value is None else text(str(value), limit))


class _Batch:
    def __init__(self, sender: Sender, now: datetime) -> None:
        self.sender, self.now = sender, now
        self.requests: dict[int, list[ReportedRequest]] = defaultdict(list)
        self.agents: dict[int, Agent] = {}
        self.spans: list[SpanRow] = []
        self.span_resources: list[tuple[str, str]] = []  # each span's (service, instance), in order
        self.token_agent_id = sender.agent.pk if sender.agent is not None else None
        self.rejected = 0
        self.reason = ""

    def refuse(self, reason: str) -> None:
        self.rejected += 1
        self.reason = self.reason or reason

    def span(self, span: Any, service: str, instance: str) -> None:
        trace_id, span_id = hex_id(span.trace_id, 16), hex_id(span.span_id, 8)
        if trace_id is None or span_id is None:
            return self.refuse("a span without a valid trace_id (16 bytes) and span_id (8 bytes)")
        start = nanos_to_datetime(span.start_time_unix_nano)
        end_nanos = span.end_time_unix_nano
        if start is None or end_nanos < span.start_time_unix_nano:
            return self.refuse("a span without a start time, or ending before it starts")
        if start > self.now + FUTURE_SLACK:
            return self.refuse("a span starting in the future")
        duration_ms = (end_nanos - span.start_time_unix_nano) / 1_000_000
        if duration_ms > 86_400_000:
            return self.refuse("a span longer than a day")
        attrs = attributes(span.attributes)
        failed = span.status.code == STATUS_ERROR or "error.type" in attrs
        error_type = _text(attrs.get("error.type"), 100) or ("error" if failed else "")
        parent = hex_id(span.parent_span_id, 8) or ""
        if not GENAI_KEYS.isdisjoint(attrs):
            agent = self.sender.agent_for(service, instance, create=True)
            if agent is None:
                return self.refuse("a GenAI span of no agent (no service.name, or auto-registration off)")
            pk = agent.pk
            self.agents[pk] = agent
            model = attrs.get("gen_ai.request.model") or attrs.get("gen_ai.response.model")
            self.requests[pk].append(
                ReportedRequest(
                    timestamp=start,
                    request_id=_text(attrs.get("gen_ai.response.id"), 200),
                    model=_text(model or attrs.get("llm.model_name"), 200),
                    latency_ms=duration_ms,
                    input_tokens=_tokens(attrs, INPUT_TOKENS),
                    output_tokens=_tokens(attrs, OUTPUT_TOKENS),
                    success=not failed,
                    error_type=error_type,
                    error_message=text(span.status.message, 2000) if failed else "",
                    trace_id=trace_id,
                    span_id=span_id,
                    parent_span_id=parent,
                    span_name=text(span.name, 200),
                )
            )
            return None
        if self.token_agent_id is None:
            self.span_resources.append((service, instance))
        self.spans.append(
            SpanRow(
                # with an organization key, filled in at the end: a later GenAI span may register the agent
                agent_id=self.token_agent_id,
                service=service or UNKNOWN_SERVICE,
                trace_id=trace_id,
                span_id=span_id,
                parent_span_id=parent,
                name=text(span.name, 200),
                kind=span.kind,
                start=start,
                duration_ms=duration_ms,
                error=failed,
                error_type=error_type,
                attributes=attrs,
                entry=span.kind in ENTRY_KINDS or not parent,
            )
        )
        return None

    def spans_with_agents(self) -> list[SpanRow]:
        """The spans with their agent: the token's, or (an organization key) their service's, looked up
        once per resource after every GenAI span of the request had its chance to register it."""
        if self.token_agent_id is not None:
            return self.spans
        agents = {
            key: agent.pk
            for key in set(self.span_resources)
            if (agent := self.sender.agent_for(*key, create=False)) is not None
        }
        if not agents:
            return self.spans
        return [
            row._replace(agent_id=agents[key]) if key in agents else row
            for row, key in zip(self.spans, self.span_resources, strict=True)
        ]


def traces_receive(*, sender: Sender, message: ExportTraceServiceRequest) -> ExportTraceServiceResponse:
    """Map and store a whole export request in one transaction: it is all stored, or (an error raised)
    none of it, so a retried request is never half duplicated."""
    batch = _Batch(sender, timezone.now())
    for resource_spans in message.resource_spans:
        service, instance = service_of(attributes(resource_spans.resource.attributes))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                batch.span(span, service, instance)
    with transaction.atomic():
        for agent_id in sorted(batch.requests):  # a fixed order of agent locks: no deadlock
            agent_requests_store(
                agent=batch.agents[agent_id], rows=batch.requests[agent_id], now=batch.now, alive=True
            )
        spans = batch.spans_with_agents()
        spans_store(organization_id=sender.organization_id, rows=spans)
        service_rollups_add(organization_id=sender.organization_id, spans=spans)
    response = ExportTraceServiceResponse()
    if batch.rejected:
        response.partial_success.CopyFrom(
            ExportTracePartialSuccess(
                rejected_spans=batch.rejected, error_message=f"{batch.rejected} refused, e.g. {batch.reason}."
            )
        )
    return response
