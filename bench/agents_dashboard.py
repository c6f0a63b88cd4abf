"""The agents' dashboard and list over a fleet's worth of rollups: ``--agents`` agents (default 100), each
with 3 models, hour rollups for 7 days and minute rollups for the last 2 days, as 10,000,000 request events
spread over the week would leave them (written directly with COPY on Postgres, ``executemany`` on SQLite;
each row's sketch holds a realistic spread of latency buckets), and the fleet rollups rebuilt from them.
Then ``GET /agents/dashboard`` for each period, ``GET /agents`` and ``GET /agents/{id}`` through the full
API stack; median and worst of ``--repeat`` calls. Prints one JSON line. Goal (issue "Agents",
Postgres): dashboard under 200 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/agents_dashboard.py
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from in_process import fresh_django, read_client, time_endpoints

from agents.inputs import NewAgent

MODELS = ("claude", "gemini", "gpt")
EVENTS = 10_000_000


def sketch(rng: random.Random, count: int) -> str:
    """About 40 latency buckets around 150-600 ms, the counts adding up to ``count``."""
    from monitoring_site.metrics.sketch import LatencySketch

    keys = [LatencySketch.index(rng.lognormvariate(5.5, 0.5)) for _ in range(40)]
    bins: dict[int, int] = {}
    for i in range(count):
        key = keys[i % len(keys)]
        bins[key] = bins.get(key, 0) + 1
    return json.dumps({str(k): v for k, v in bins.items()})


def fill(agent_count: int) -> tuple[object, list[int]]:
    from django.db import connection

    from agents.services.agents import agent_create
    from monitoring_site.accounts.models import Organization

    org = Organization.objects.create(name="Fleet", slug="fleet")
    agents = [agent_create(organization=org, new=NewAgent(name=f"agent-{i}"))[0] for i in range(agent_count)]
    rng = random.Random(11)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    per_hour = EVENTS // (agent_count * 7 * 24 * len(MODELS))
    columns = [
        "agent_id",
        "organization_id",
        "resolution",
        "start",
        "model",
        "count",
        "failures",
        "input_tokens",
        "output_tokens",
        "latency_sum",
        "sketch",
    ]

    def rows():
        for agent in agents:
            for model in MODELS:
                for h in range(7 * 24):
                    start = now.replace(minute=0) - timedelta(hours=h)
                    yield (
                        agent.pk,
                        org.pk,
                        "hour",
                        start,
                        model,
                        per_hour,
                        per_hour // 50,
                        per_hour * 800,
                        per_hour * 300,
                        per_hour * 300.0,
                        sketch(rng, per_hour),
                    )
                per_minute = max(1, per_hour // 60)
                for m in range(2 * 24 * 60):
                    start = now - timedelta(minutes=m)
                    yield (
                        agent.pk,
                        org.pk,
                        "minute",
                        start,
                        model,
                        per_minute,
                        0,
                        per_minute * 800,
                        per_minute * 300,
                        per_minute * 300.0,
                        sketch(rng, per_minute),
                    )

    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY agents_agentrollup ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows():
                    copy.write_row(row)
            cursor.execute("VACUUM (ANALYZE) agents_agentrollup")
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO agents_agentrollup ({names}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows():
                batch.append((*row[:3], connection.ops.adapt_datetimefield_value(row[3]), *row[4:]))
                if len(batch) == 20000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    # The fleet rows the dashboard reads, from the agent rows just written, as an upgrade's migration or
    # ``manage.py agents_rollups_rebuild`` makes them (ingestion writes both as it goes).
    from agents.models import AgentFleetRollup, AgentRollup
    from agents.services.fleet_rollups import fleet_rollups_rebuild

    fleet_rollups_rebuild(AgentRollup, AgentFleetRollup, organization_id=org.pk)
    return org, [a.pk for a in agents]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with fresh_django("agentdash"):
        started = time.perf_counter()
        org, agent_ids = fill(args.agents)
        filled = time.perf_counter() - started
        client = read_client(org)
        urls = [f"/api/v1/agents/dashboard?period={p}" for p in ("1h", "24h", "7d")]
        urls += ["/api/v1/agents?per_page=100", f"/api/v1/agents/{agent_ids[0]}"]
        timings = time_endpoints(client, urls, args.repeat)
        from django.db import connection

        from agents.models import AgentFleetRollup, AgentRollup

        print(
            json.dumps(
                {
                    "mode": connection.vendor,
                    "agents": args.agents,
                    "events_represented": EVENTS,
                    "rollup_rows": AgentRollup.objects.count(),
                    "fleet_rollup_rows": AgentFleetRollup.objects.count(),
                    "fill_seconds": round(filled, 1),
                    "endpoints": timings,
                }
            )
        )


if __name__ == "__main__":
    main()
