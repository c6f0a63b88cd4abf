"""Writing received spans (the ones that are no GenAI call) and the per-service rollups of entry spans."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import connection

from agents.models import ServiceRollup, TraceSpan
from agents.services import rollup_sql
from agents.totals import Totals
from monitoring_site.bulk_copy import copy_rows
from monitoring_site.time_buckets import HOUR, MINUTE, floor_to


class SpanRow(NamedTuple):
    """One checked span (``SPAN_COLUMNS`` order after the organization); ``entry`` is not stored: it
    says whether the span counts as one of its service's requests."""

    agent_id: int | None
    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: int
    start: datetime
    duration_ms: float
    error: bool
    error_type: str
    attributes: dict[str, Any]
    entry: bool = False


SPAN_COLUMNS = (
    "organization_id",
    "agent_id",
    "service",
    "trace_id",
    "span_id",
    "parent_span_id",
    "name",
    "kind",
    "start",
    "duration_ms",
    "error",
    "error_type",
    "attributes",
)


def spans_store(*, organization_id: int, rows: Sequence[SpanRow]) -> None:
    """COPY on Postgres, ``bulk_create`` elsewhere (the caller's transaction)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(
            TraceSpan,
            SPAN_COLUMNS,
            ((organization_id, *r[:11], json.dumps(r.attributes, default=str)) for r in rows),
        )
        return
    stored = [
        TraceSpan(organization_id=organization_id, **{k: v for k, v in r._asdict().items() if k != "entry"})
        for r in rows
    ]
    TraceSpan.objects.bulk_create(stored, batch_size=1000)


class _Request(NamedTuple):
    """What ``Totals.add_event`` reads of a request."""

    success: bool
    latency_ms: float
    input_tokens: int = 0
    output_tokens: int = 0


SERVICE_KEY = ("organization_id", "service", "resolution", "start")


def service_rollups_add(*, organization_id: int, spans: Sequence[SpanRow]) -> None:
    """Add the entry spans to their service's minute and hour rollups (one upsert, sorted keys)."""
    grouped: dict[tuple, Totals] = defaultdict(Totals)
    for span in spans:
        if span.entry:
            request = _Request(success=not span.error, latency_ms=span.duration_ms)
            grouped[(organization_id, span.service, "minute", floor_to(span.start, MINUTE))].add_event(
                request
            )
    for (_org, service, _level, minute), totals in list(grouped.items()):
        grouped[(organization_id, service, "hour", floor_to(minute, HOUR))].add_totals(totals)
    rollup_sql.upsert(ServiceRollup, SERVICE_KEY, SERVICE_KEY, dict(grouped))
