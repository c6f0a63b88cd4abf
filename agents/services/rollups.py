"""Request rollups per agent, model, minute and hour (and the fleet's per minute, hour and day), added to at
ingestion (read back by ``agents.rollup_selectors``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from agents.models import Agent, AgentRollup
from agents.services import rollup_sql
from agents.services.fleet_rollups import fleet_rollups_add
from agents.totals import Totals
from monitoring_site.time_buckets import HOUR, floor_to

AGENT_KEY = ("agent_id", "organization_id", "resolution", "start", "model")
AGENT_CONFLICT = ("agent_id", "resolution", "start", "model")


def rollups_add(*, agent: Agent, events: Iterable[Any]) -> None:
    """Add a batch's requests (``ReportedRequest`` rows, or anything with their attributes) to the agent's
    minute and hour rollups and to the fleet's, in the caller's transaction, each with one upsert."""
    grouped: dict[tuple[str, datetime, str], Totals] = defaultdict(Totals)
    for event in events:  # each event once into its minute; the hours are merged from the minutes
        grouped[("minute", event.timestamp.replace(second=0, microsecond=0), event.model)].add_event(event)
    if not grouped:
        return
    for (_level, minute, model), totals in list(grouped.items()):
        grouped[("hour", floor_to(minute, HOUR), model)].add_totals(totals)
    rows = {(agent.pk, agent.organization_id, *key): totals for key, totals in grouped.items()}
    rollup_sql.upsert(AgentRollup, AGENT_KEY, AGENT_CONFLICT, rows)
    # Last in the transaction: the fleet rows are shared with other agents, so their locks are held
    # for as short a time as possible.
    fleet_rollups_add(organization_id=agent.organization_id, agent_id=agent.pk, grouped=grouped)
