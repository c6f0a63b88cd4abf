"""Reading traces: an agent's recent traces (from its request events that came as GenAI spans) and one
trace's spans as a waterfall (its GenAI calls and the other spans of the organization's services)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from agents.models import Agent, AgentRequestEvent, TraceSpan

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_SPANS = 1000
SCAN = 50  # events read per trace asked for, to find that many distinct recent traces


def agent_traces(
    agent: Agent, *, model: str | None = None, error: bool | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The agent's newest traces (``model``: holding a call to it; ``error``: holding a failed call, or
    none), newest first, each with its span count, duration, models and errors. Reads the newest events
    by the (agent, timestamp) index, then the chosen traces by the trace index."""
    events = AgentRequestEvent.objects.filter(agent=agent).exclude(trace_id="")
    if model:
        events = events.filter(model=model)
    if error is True:
        events = events.filter(success=False)
    newest: list[str] = []
    for trace_id in events.order_by("-timestamp").values_list("trace_id", flat=True)[: limit * SCAN]:
        if trace_id not in newest:
            newest.append(trace_id)
    summaries = _summaries(agent.organization_id, newest)
    rows = [summaries[t] for t in newest if t in summaries]
    if error is False:
        rows = [r for r in rows if not r["error_spans"]]
    return rows[:limit]


def _summaries(organization_id: int, trace_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not trace_ids:
        return {}
    calls = (
        AgentRequestEvent.objects.filter(organization_id=organization_id, trace_id__in=trace_ids)
        .values("trace_id")
        .annotate(
            n=Count("id"),
            failed=Count("id", filter=Q(success=False)),
            first=Min("timestamp"),
            last=Max("timestamp"),
            tokens=Sum("input_tokens") + Sum("output_tokens"),
        )
    )
    models: dict[str, set[str]] = {}
    for trace_id, model in (
        AgentRequestEvent.objects.filter(organization_id=organization_id, trace_id__in=trace_ids)
        .values_list("trace_id", "model")
        .distinct()
    ):
        models.setdefault(trace_id, set()).add(model)
    spans = {
        row["trace_id"]: row
        for row in TraceSpan.objects.filter(organization_id=organization_id, trace_id__in=trace_ids)
        .values("trace_id")
        .annotate(n=Count("id"), failed=Count("id", filter=Q(error=True)), first=Min("start"))
    }
    roots = dict(
        TraceSpan.objects.filter(
            organization_id=organization_id, trace_id__in=trace_ids, parent_span_id=""
        ).values_list("trace_id", "name")
    )
    result = {}
    for call in calls:
        other = spans.get(call["trace_id"], {})
        first = min(x for x in (call["first"], other.get("first")) if x is not None)
        result[call["trace_id"]] = {
            "trace_id": call["trace_id"],
            "root_span": roots.get(call["trace_id"], ""),
            "started_at": first,
            "spans": call["n"] + other.get("n", 0),
            "model_calls": call["n"],
            "error_spans": call["failed"] + other.get("failed", 0),
            "models": sorted(m for m in models.get(call["trace_id"], ()) if m),
            "tokens": call["tokens"] or 0,
        }
    return result


def _depths(spans: list[dict[str, Any]]) -> None:
    by_id = {s["span_id"]: s for s in spans}
    for span in spans:
        depth, parent, seen = 0, span["parent_span_id"], set()
        while parent in by_id and parent not in seen and depth < 50:
            seen.add(parent)
            depth, parent = depth + 1, by_id[parent]["parent_span_id"]
        span["depth"] = depth


def trace_waterfall(organization_id: int, trace_id: str) -> dict[str, Any] | None:
    """A trace's spans in start order with their offset from the trace's start and their depth under
    their parents; None when the organization has no span of it."""
    calls: Iterable[AgentRequestEvent] = AgentRequestEvent.objects.filter(
        organization_id=organization_id, trace_id=trace_id
    ).select_related("agent")[:MAX_SPANS]
    spans: list[dict[str, Any]] = [
        {
            "span_id": e.span_id,
            "parent_span_id": e.parent_span_id,
            "name": e.span_name or f"{e.model} call",
            "kind": "genai",
            "service": e.agent.name,
            "agent_id": e.agent_id,
            "start": e.timestamp,
            "duration_ms": e.latency_ms,
            "error": not e.success,
            "error_type": e.error_type,
            "model": e.model,
            "input_tokens": e.input_tokens,
            "output_tokens": e.output_tokens,
            "attributes": {},
        }
        for e in calls
    ]
    for s in TraceSpan.objects.filter(organization_id=organization_id, trace_id=trace_id)[:MAX_SPANS]:
        spans.append(
            {
                "span_id": s.span_id,
                "parent_span_id": s.parent_span_id,
                "name": s.name,
                "kind": "span",
                "service": s.service,
                "agent_id": s.agent_id,
                "start": s.start,
                "duration_ms": s.duration_ms,
                "error": s.error,
                "error_type": s.error_type,
                "model": "",
                "input_tokens": 0,
                "output_tokens": 0,
                "attributes": s.attributes,
            }
        )
    if not spans:
        return None
    spans.sort(key=lambda s: (s["start"], -s["duration_ms"]))
    began: datetime = spans[0]["start"]
    for span in spans:
        span["offset_ms"] = round((span["start"] - began).total_seconds() * 1000, 3)
    end_ms = max(s["offset_ms"] + s["duration_ms"] for s in spans) or 1.0
    _depths(spans)
    return {
        "trace_id": trace_id,
        "started_at": began,
        "duration_ms": round(end_ms, 3),
        "spans": spans,
        "error_spans": sum(1 for s in spans if s["error"]),
    }
