"""The organization-wide rollups (``AgentFleetRollup``): added to at ingestion with one upsert per batch
(``rollup_sql.upsert``: concurrent batches of agents in the same shard never lose each other's requests),
and rebuilt from the agents' own rollups (on upgrade, or by
``agents.services.fleet_rollups.fleet_rollups_rebuild``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import models

from agents.services import rollup_sql
from agents.services.rollup_sql import SUMMED
from agents.totals import Totals
from monitoring_site.metrics.sketch import LatencySketch
from monitoring_site.time_buckets import DAY, HOUR, MINUTE, floor_to

SIZES = {"minute": MINUTE, "hour": HOUR, "day": DAY}
# Fleet rows per key: an agent writes to shard ``agent_id % SHARDS``.
SHARDS = 8
Key = tuple[int, int, str, datetime, str]  # organization, shard, resolution, start, model


FLEET_KEY = ("organization_id", "shard", "resolution", "start", "model")
FLEET_CONFLICT = ("organization_id", "resolution", "start", "model", "shard")


def upsert(fleet_model: type[models.Model], grouped: dict[Key, Totals]) -> None:
    """Add ``grouped`` totals to the fleet rollup table ``fleet_model`` with one upsert."""
    rollup_sql.upsert(fleet_model, FLEET_KEY, FLEET_CONFLICT, grouped)


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
    agent_rows = rollup_model._default_manager.all()
    fleet_rows = fleet_model._default_manager.all()
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
