"""Request rollups per agent, model, minute and hour, added to at ingestion; and reading them back over
any period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from agents.models import Agent, AgentRequestEvent, AgentRollup
from monitoring_site.metrics.sketch import LatencySketch

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def _floor(moment: datetime, size: timedelta) -> datetime:
    if size == HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(second=0, microsecond=0)


@dataclass
class Totals:
    """Requests summed over rollups (or events): counts, tokens, latency sum and sketch."""

    count: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_sum: float = 0.0
    sketch: LatencySketch = field(default_factory=LatencySketch)

    def add_rollup(self, row: AgentRollup) -> None:
        self.count += row.count
        self.failures += row.failures
        self.input_tokens += row.input_tokens
        self.output_tokens += row.output_tokens
        self.latency_sum += row.latency_sum
        self.sketch.merge(LatencySketch({int(k): v for k, v in row.sketch.items()}))

    def add_event(self, event: AgentRequestEvent) -> None:
        self.count += 1
        self.failures += 0 if event.success else 1
        self.input_tokens += event.input_tokens
        self.output_tokens += event.output_tokens
        self.latency_sum += event.latency_ms
        self.sketch.add(event.latency_ms)

    def figures(self) -> dict[str, Any]:
        return {
            "requests": self.count,
            "successful": self.count - self.failures,
            "failed": self.failures,
            "error_rate_percent": round(100.0 * self.failures / self.count, 3) if self.count else None,
            "avg_latency_ms": round(self.latency_sum / self.count, 3) if self.count else None,
            "p50_latency_ms": _round(self.sketch.quantile(0.5)),
            "p95_latency_ms": _round(self.sketch.quantile(0.95)),
            "p99_latency_ms": _round(self.sketch.quantile(0.99)),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def rollups_add(*, agent: Agent, events: list[AgentRequestEvent]) -> None:
    """Add a batch's events to their minute and hour rollups. Call inside the batch's transaction with
    the agent's row locked, so concurrent batches of one agent take turns (the sketch merge is a
    read-modify-write)."""
    grouped: dict[tuple[str, datetime, str], Totals] = defaultdict(Totals)
    for event in events:
        for resolution, size in (
            (AgentRollup.Resolution.MINUTE, MINUTE),
            (AgentRollup.Resolution.HOUR, HOUR),
        ):
            grouped[(resolution, _floor(event.timestamp, size), event.model)].add_event(event)
    if not grouped:
        return
    keys = Q()
    for level, start, model in grouped:
        keys |= Q(resolution=level, start=start, model=model)
    existing = {(r.resolution, r.start, r.model): r for r in AgentRollup.objects.filter(keys, agent=agent)}
    created: list[AgentRollup] = []
    changed: list[AgentRollup] = []
    for key, totals in grouped.items():
        row = existing.get(key) or AgentRollup(
            agent=agent, organization_id=agent.organization_id, resolution=key[0], start=key[1], model=key[2]
        )
        current = Totals()
        current.add_rollup(row)
        current.count += totals.count
        current.failures += totals.failures
        current.input_tokens += totals.input_tokens
        current.output_tokens += totals.output_tokens
        current.latency_sum += totals.latency_sum
        current.sketch.merge(totals.sketch)
        row.count, row.failures = current.count, current.failures
        row.input_tokens, row.output_tokens = current.input_tokens, current.output_tokens
        row.latency_sum, row.sketch = current.latency_sum, {str(k): v for k, v in current.sketch.bins.items()}
        (changed if row.pk else created).append(row)
    AgentRollup.objects.bulk_create(created, batch_size=1000)
    AgentRollup.objects.bulk_update(
        changed,
        ["count", "failures", "input_tokens", "output_tokens", "latency_sum", "sketch"],
        batch_size=500,
    )


def rollups_window(
    *, organization_id: int, start: datetime, end: datetime, agent_id: int | None = None
) -> dict[str, Totals]:
    """Totals per model over [start, end): whole hours from hour rollups, the ragged ends from minute
    rollups (so a period costs at most its hours plus two hours of minutes). The database does the
    summing: counts with SUM, sketches by expanding each row's JSON buckets (``json_each`` on SQLite,
    ``jsonb_each_text`` on Postgres) and summing per bucket, so no rollup row is loaded into Python."""
    rows = AgentRollup.objects.filter(organization_id=organization_id)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    first_hour = _floor(start, HOUR) + (HOUR if _floor(start, HOUR) < start else timedelta(0))
    last_hour = _floor(end, HOUR)
    if first_hour < last_hour:
        rows = rows.filter(
            Q(resolution=AgentRollup.Resolution.HOUR, start__gte=first_hour, start__lt=last_hour)
            | Q(resolution=AgentRollup.Resolution.MINUTE, start__gte=start, start__lt=first_hour)
            | Q(resolution=AgentRollup.Resolution.MINUTE, start__gte=last_hour, start__lt=end)
        )
    else:
        rows = rows.filter(resolution=AgentRollup.Resolution.MINUTE, start__gte=start, start__lt=end)
    by_model: dict[str, Totals] = defaultdict(Totals)
    sums = (
        rows.order_by()
        .values("model")
        .annotate(
            n=Sum("count"),
            failed=Sum("failures"),
            tokens_in=Sum("input_tokens"),
            tokens_out=Sum("output_tokens"),
            latency=Sum("latency_sum"),
        )
    )
    for row in sums:
        totals = by_model[row["model"]]
        totals.count, totals.failures = row["n"] or 0, row["failed"] or 0
        totals.input_tokens, totals.output_tokens = row["tokens_in"] or 0, row["tokens_out"] or 0
        totals.latency_sum = row["latency"] or 0.0
    for model, key, count in _sketch_sums(rows):
        sketch = by_model[model].sketch
        sketch.bins[int(key)] = sketch.bins.get(int(key), 0) + int(count)
        sketch.count += int(count)
    return dict(by_model)


def _sketch_sums(rows) -> list[tuple[str, str, int]]:
    """(model, bucket, count) summed over the rows' sketches, in the database."""
    inner, params = rows.values("id").query.sql_with_params()
    table = connection.ops.quote_name(AgentRollup._meta.db_table)
    if connection.vendor == "postgresql":
        expand, value = "jsonb_each_text(r.sketch) AS j", "CAST(j.value AS bigint)"
    else:
        expand, value = "json_each(r.sketch) AS j", "CAST(j.value AS integer)"
    sql = (
        f"SELECT r.model, j.key, SUM({value}) FROM {table} AS r CROSS JOIN {expand} "  # noqa: S608
        f"WHERE r.id IN ({inner}) GROUP BY r.model, j.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def merged(by_model: dict[str, Totals]) -> Totals:
    total = Totals()
    for totals in by_model.values():
        total.count += totals.count
        total.failures += totals.failures
        total.input_tokens += totals.input_tokens
        total.output_tokens += totals.output_tokens
        total.latency_sum += totals.latency_sum
        total.sketch.merge(totals.sketch)
    return total
