"""Reading the agents' request rollups back over any period: the coarsest levels that fit, merged."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from agents.models import AgentFleetRollup, AgentRollup
from agents.totals import Totals
from monitoring_site.time_buckets import DAY, HOUR, MINUTE, ceil_to, floor_to

AGENT_LEVELS = (("minute", MINUTE), ("hour", HOUR))
FLEET_LEVELS = (("minute", MINUTE), ("hour", HOUR), ("day", DAY))


def window_pieces(
    start: datetime, end: datetime, levels: tuple[tuple[str, timedelta], ...]
) -> list[tuple[str, datetime, datetime]]:
    """Cover [start, end) with the coarsest rollups that fit: ``(resolution, from, to)`` pieces, the finest
    level at the ragged ends, each coarser one inside (a week is minutes, hours, whole days, hours,
    minutes)."""
    (finest, _), coarser = levels[0], levels[1:]
    if not coarser:
        return [(finest, start, end)] if start < end else []
    inner_start, inner_end = ceil_to(start, coarser[0][1]), floor_to(end, coarser[0][1])
    if inner_start >= inner_end:
        return [(finest, start, end)] if start < end else []
    pieces = [(finest, start, inner_start)] if start < inner_start else []
    pieces += window_pieces(inner_start, inner_end, coarser)
    return pieces + ([(finest, inner_end, end)] if inner_end < end else [])


def rollups_window(
    *, organization_id: int, start: datetime, end: datetime, agent_id: int | None = None
) -> dict[str, Totals]:
    """Totals per model over [start, end): one agent's from its rollups, the fleet's from the fleet rollups,
    whole periods from the coarsest rows that fit (so a week of the fleet is at most a few hundred rows).
    The database does the summing: counts with SUM, sketches by expanding each row's JSON buckets
    (``json_each`` on SQLite, ``jsonb_each_text`` on Postgres) and summing per bucket, so no rollup row
    is loaded into Python."""
    rows: QuerySet
    levels: tuple[tuple[str, timedelta], ...]
    if agent_id is None:
        rows = AgentFleetRollup.objects.filter(organization_id=organization_id)
        levels = FLEET_LEVELS
    else:
        rows = AgentRollup.objects.filter(organization_id=organization_id, agent_id=agent_id)
        levels = AGENT_LEVELS
    pieces = window_pieces(start, end, levels)
    if not pieces:
        return {}
    covered = Q()
    for resolution, lo, hi in pieces:
        covered |= Q(resolution=resolution, start__gte=lo, start__lt=hi)
    rows = rows.filter(covered)
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


def _sketch_sums(rows: QuerySet) -> list[tuple[str, str, int]]:
    """(model, bucket, count) summed over the rows' sketches, in the database."""
    inner, params = rows.values("id").query.sql_with_params()
    table = connection.ops.quote_name(rows.model._meta.db_table)
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
