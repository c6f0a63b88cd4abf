"""The fleet rollups: what the fleet dashboard and fleet-wide metrics read. They must hold exactly what
the agents' own rollups hold (counts and tokens exact, percentiles within 1% of the exact ones), over any
window with ragged ends, whether written at ingestion or rebuilt; and concurrent batches of agents
sharing a shard must neither deadlock nor lose a request (on Postgres, where they run in parallel)."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.db import connection

from agents.inputs import NewAgent
from agents.models import AgentFleetRollup, AgentRequestEvent, AgentRollup
from agents.rollup_selectors import FLEET_LEVELS, rollups_window, window_pieces
from agents.services.agents import agent_create
from agents.services.fleet_rollups import SHARDS, fleet_rollups_rebuild
from agents.services.ingest import agent_events_ingest
from agents.totals import merged

NOW = datetime(2026, 3, 7, 12, 17, tzinfo=UTC)


def items(rng: random.Random, start: datetime, seconds: float, count: int) -> list[dict]:
    return [
        {
            "timestamp": (start + timedelta(seconds=rng.uniform(0, seconds))).isoformat(),
            "request_id": f"r{i}",
            "model": rng.choice(["claude", "gpt"]),
            "latency_ms": round(rng.lognormvariate(5, 0.7), 2),
            "input_tokens": rng.randint(10, 5000),
            "output_tokens": rng.randint(10, 900),
            "success": rng.random() > 0.05,
        }
        for i in range(count)
    ]


def test_window_pieces_cover_a_period_with_the_coarsest_rows():
    start, end = datetime(2026, 3, 1, 10, 17, tzinfo=UTC), datetime(2026, 3, 8, 10, 17, tzinfo=UTC)
    pieces = window_pieces(start, end, FLEET_LEVELS)
    assert [p[0] for p in pieces] == ["minute", "hour", "day", "hour", "minute"]
    assert pieces[0][1] == start and pieces[-1][2] == end
    assert all(a[2] == b[1] for a, b in pairwise(pieces))  # contiguous, no overlap
    assert pieces[2][1:] == (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC))
    aligned = window_pieces(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC), FLEET_LEVELS)
    assert aligned == [("day", datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))]
    short = window_pieces(start, start + timedelta(minutes=20), FLEET_LEVELS)
    assert short == [("minute", start, start + timedelta(minutes=20))]
    assert window_pieces(end, start, FLEET_LEVELS) == []


def fleet_matches_events(organization_id: int, start: datetime, end: datetime) -> None:
    events = AgentRequestEvent.objects.filter(
        organization_id=organization_id, timestamp__gte=start, timestamp__lt=end
    )
    by_model = rollups_window(organization_id=organization_id, start=start, end=end)
    for model in ("claude", "gpt"):
        mine = [e for e in events if e.model == model]
        assert by_model[model].count == len(mine)
        assert by_model[model].failures == sum(1 for e in mine if not e.success)
        assert by_model[model].input_tokens == sum(e.input_tokens for e in mine)
        assert by_model[model].output_tokens == sum(e.output_tokens for e in mine)
    total = merged(by_model)
    latencies = sorted(e.latency_ms for e in events)
    assert total.count == len(latencies) > 0
    for q in (0.5, 0.95, 0.99):
        exact = latencies[int(q * (len(latencies) - 1))]
        assert abs(total.sketch.quantile(q) - exact) <= 0.01 * exact + 1e-9, q


def test_fleet_rollups_hold_what_the_agents_reported(acme, db):
    rng = random.Random(5)
    agents = [agent_create(organization=acme, new=NewAgent(name=f"a{i}"))[0] for i in range(3)]
    start = NOW - timedelta(days=3, hours=5)
    for agent in agents:
        for _ in range(4):  # batches spread over three days, arriving in any order
            batch = items(rng, start, (NOW - start).total_seconds() - 1, 300)
            assert agent_events_ingest(agent=agent, events=batch, now=NOW)["accepted"] == 300
    # whole days in the middle, hours and minutes at both ragged ends
    fleet_matches_events(acme.pk, start + timedelta(minutes=7), NOW - timedelta(minutes=3))
    fleet_matches_events(acme.pk, NOW - timedelta(hours=1, minutes=10), NOW)
    # every fleet row is the sum of its shard's agents' rows
    assert AgentFleetRollup.objects.filter(resolution="day").exists()
    for resolution in ("minute", "hour"):
        fleet = sum(AgentFleetRollup.objects.filter(resolution=resolution).values_list("count", flat=True))
        agent_rows = sum(AgentRollup.objects.filter(resolution=resolution).values_list("count", flat=True))
        assert fleet == agent_rows == 3 * 4 * 300


def test_rebuilding_gives_the_rows_ingestion_wrote(acme, umbrella, db):
    rng = random.Random(8)
    for organization in (acme, umbrella):
        for i in range(2):
            agent, _ = agent_create(organization=organization, new=NewAgent(name=f"a{i}"))
            agent_events_ingest(
                agent=agent, events=items(rng, NOW - timedelta(days=2), 2 * 86400 - 1, 400), now=NOW
            )

    def snapshot(organization_id: int):
        rows = AgentFleetRollup.objects.filter(organization_id=organization_id)
        return {
            (r.resolution, r.start, r.model, r.shard): (
                r.count,
                r.failures,
                r.input_tokens,
                r.output_tokens,
                round(r.latency_sum, 6),
                {k: int(v) for k, v in r.sketch.items()},
            )
            for r in rows
        }

    written = snapshot(acme.pk)
    other = snapshot(umbrella.pk)
    assert fleet_rollups_rebuild(AgentRollup, AgentFleetRollup, organization_id=acme.pk) == len(written)
    assert snapshot(acme.pk) == written
    assert snapshot(umbrella.pk) == other  # another organization's rows are left alone


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_in_one_shard_lose_nothing(acme):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the parallel path is Postgres's")
    agents = [agent_create(organization=acme, new=NewAgent(name=f"a{i}"))[0] for i in range(4 * SHARDS)]
    same_shard = [a for a in agents if a.pk % SHARDS == agents[0].pk % SHARDS]
    assert len(same_shard) >= 3
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(same_shard))

    def report(agent, seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(5):  # the same few minutes, so every batch touches the same fleet rows
                agent_events_ingest(
                    agent=agent, events=items(rng, NOW - timedelta(minutes=3), 179, 200), now=NOW
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(a, i)) for i, a in enumerate(same_shard)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = len(same_shard) * 5 * 200
    for resolution in ("minute", "hour", "day"):
        counts = AgentFleetRollup.objects.filter(resolution=resolution).values_list("count", flat=True)
        assert sum(counts) == expected, resolution
    fleet_matches_events(acme.pk, NOW - timedelta(minutes=3), NOW)
