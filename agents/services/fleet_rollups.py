"""The organization-wide rollups (``AgentFleetRollup``): added to at ingestion with one upsert per batch,
and rebuilt from the agents' own rollups (on upgrade, or by ``manage.py agents_rollups_rebuild``).

The upsert merges sketches in the database (``jsonb_each_text``/``jsonb_object_agg`` on Postgres,
``json_each``/``json_group_object`` on SQLite), so concurrent batches of agents in the same shard never
read-modify-write a row in Python. Rows go in sorted key order so two batches lock shared rows in the
same order and cannot deadlock.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import connection, models

from agents.services.totals import DAY, HOUR, MINUTE, Totals, floor_to
from monitoring_site.metrics.sketch import LatencySketch

COLUMNS = (
    "organization_id",
    "shard",
    "resolution",
    "start",
    "model",
    "count",
    "failures",
    "input_tokens",
    "output_tokens",
    "latency_sum",
    "sketch",
)
SUMMED = ("count", "failures", "input_tokens", "output_tokens", "latency_sum")
SIZES = {"minute": MINUTE, "hour": HOUR, "day": DAY}
# Fleet rows per key: an agent writes to shard ``agent_id % SHARDS``.
SHARDS = 8
Key = tuple[int, int, str, datetime, str]  # organization, shard, resolution, start, model


def _merge_sql(table: str) -> str:
    if connection.vendor == "postgresql":
        return (
            "(SELECT COALESCE(jsonb_object_agg(k, n), '{}'::jsonb) FROM (SELECT k, SUM(v) AS n FROM ("  # noqa: S608
            f"SELECT key AS k, value::bigint AS v FROM jsonb_each_text({table}.sketch) UNION ALL "
            "SELECT key, value::bigint FROM jsonb_each_text(EXCLUDED.sketch)) AS e GROUP BY k) AS s)"
        )
    return (
        "(SELECT json_group_object(k, n) FROM (SELECT k, SUM(v) AS n FROM ("  # noqa: S608
        f"SELECT key AS k, value AS v FROM json_each({table}.sketch) UNION ALL "
        "SELECT key, value FROM json_each(excluded.sketch)) GROUP BY k))"
    )


def upsert(fleet_model: type[models.Model], grouped: dict[Key, Totals], chunk: int = 500) -> None:
    """Add each key's totals to its row, creating the rows that do not exist yet."""
    if not grouped:
        return
    table = connection.ops.quote_name(fleet_model._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    row_marks = "(" + ", ".join(["%s"] * (len(COLUMNS) - 1)) + f", %s{cast})"
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in SUMMED)
    keys = sorted(grouped)
    for at in range(0, len(keys), chunk):
        part = keys[at : at + chunk]
        params: list[Any] = []
        for key in part:
            totals = grouped[key]
            organization_id, shard, resolution, start, model = key
            params += [organization_id, shard, resolution, connection.ops.adapt_datetimefield_value(start)]
            params += [model, totals.count, totals.failures, totals.input_tokens, totals.output_tokens]
            params += [totals.latency_sum, _json(totals.sketch.to_json())]
        sql = (
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES {', '.join([row_marks] * len(part))} "  # noqa: S608
            "ON CONFLICT (organization_id, resolution, start, model, shard) DO UPDATE SET "
            f"{updates}, sketch = {_merge_sql(table)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _json(value: dict[str, int]) -> str:
    return json.dumps(value, separators=(",", ":"))


def fleet_rollups_add(
    *, organization_id: int, agent_id: int, grouped: dict[tuple[str, datetime, str], Totals]
):
    """Add an ingested batch's per-minute totals (``("minute", start, model)`` keys) to the fleet's minute,
    hour and day rows of the agent's shard."""
    shard = agent_id % SHARDS
    fleet: dict[Key, Totals] = defaultdict(Totals)
    for (resolution, start, model), totals in grouped.items():
        if resolution != "minute":
            continue
        for level, size in SIZES.items():
            fleet[(organization_id, shard, level, floor_to(start, size), model)].add_totals(totals)
    upsert(_fleet_model(), fleet)


def _fleet_model():
    from agents.models import AgentFleetRollup

    return AgentFleetRollup


def fleet_rollups_rebuild(
    rollup_model: type[models.Model], fleet_model: type[models.Model], organization_id: int | None = None
) -> int:
    """Recompute the fleet rows from the agents' minute and hour rollups (day rows from hours): deletes the
    organization's fleet rows and writes them again. Returns the number of fleet rows written. The models
    are parameters so a data migration can pass its historical ones."""
    agent_rows = rollup_model.objects.all()  # type: ignore[attr-defined]
    fleet_rows = fleet_model.objects.all()  # type: ignore[attr-defined]
    if organization_id is not None:
        agent_rows = agent_rows.filter(organization_id=organization_id)
        fleet_rows = fleet_rows.filter(organization_id=organization_id)
    fleet_rows.delete()
    fields = ("organization_id", "agent_id", "resolution", "start", "model", *SUMMED, "sketch")
    written = 0
    for resolution, levels in (("minute", ("minute",)), ("hour", ("hour", "day"))):
        grouped: dict[Key, Totals] = defaultdict(Totals)
        rows = agent_rows.filter(resolution=resolution).order_by().values_list(*fields)
        for (
            org,
            agent_id,
            _,
            start,
            model,
            count,
            failures,
            tokens_in,
            tokens_out,
            latency,
            sketch,
        ) in rows.iterator(chunk_size=5000):
            for level in levels:
                totals = grouped[(org, agent_id % SHARDS, level, floor_to(start, SIZES[level]), model)]
                totals.count += count
                totals.failures += failures
                totals.input_tokens += tokens_in
                totals.output_tokens += tokens_out
                totals.latency_sum += latency
                totals.sketch.merge(LatencySketch.from_json(sketch))
        upsert(fleet_model, grouped)
        written += len(grouped)
    return written
