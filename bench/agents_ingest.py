"""Agent telemetry and logs through the real platform (``manage.py up``, production settings): batches of
500 request events (``POST /agents/{id}/events``) and of 500 log lines (``POST /agents/{id}/logs``) sent
by ``--concurrency`` clients for ``--seconds`` each, from ``--agents`` agents with their ingest tokens
(each heartbeats first, so every batch re-derives a live agent's status as in production);
then full-text search over ``--log-lines`` lines written directly over a week into an organization of
their own (a term with a time range, and a term alone: p50/p95 of ``--searches`` calls through the API),
and the same searches in the organization that took the ingest burst (``search_after_burst``: its
newest lines, hundreds of thousands written in seconds, match neither query). Prints one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/agents_ingest.py
    .venv/bin/python bench/agents_ingest.py --log-lines 200000            # embedded SQLite + Redis

Goals (issue "Agents", 2 cores, Postgres): 20,000 events/s and 20,000 log lines/s ingested, search p95
under 100 ms over 1,000,000 lines. The dashboard over 10,000,000 rolled-up events: bench/agents_dashboard.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import Platform

SETUP = """
from agents.inputs import NewAgent
from agents.services.agents import agent_create
from monitoring_site.accounts.choices import ApiKeyScope
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.services import api_key_create
org = Organization.objects.get()
agents = [agent_create(organization=org, new=NewAgent(name=f"agent-{{i}}")) for i in range({count})]
_key, raw = api_key_create(organization=org, name="bench", scope=ApiKeyScope.READ)
print(raw, ",".join(f"{{a.pk}}:{{token}}" for a, token in agents))
"""
FILL_LOGS = """
import random
from datetime import datetime, timedelta, UTC
from django.db import connection
from agents.models import AgentLog, Agent
from agents.inputs import NewAgent
from agents.services.agents import agent_create
from monitoring_site.accounts.choices import ApiKeyScope
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.services import api_key_create
# a corpus of its own: the lines the ingest phase just wrote (all "now", matching neither query) are
# measured separately, as a burst
org = Organization.objects.create(name="Search corpus", slug="search-corpus")
agent_ids = [agent_create(organization=org, new=NewAgent(name=f"corpus-{{i}}"))[0].pk for i in range(8)]
_key, raw = api_key_create(organization=org, name="search", scope=ApiKeyScope.READ)
words = ["timeout", "served", "request", "model", "cache", "retry", "upstream", "token", "queue", "latency",
         "gemini", "claude", "voice", "order", "menu", "payment", "drive", "thru", "error", "warning"]
rng = random.Random(5)
now = datetime.now(UTC)
cols = "organization_id, agent_id, timestamp, level, message, context, trace_id"
insert = f"INSERT INTO agents_agentlog ({{cols}}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
def rows(n):
    for i in range(n):
        msg = " ".join(rng.choice(words) for _ in range(8)) + f" id{{rng.randrange(100000)}}"
        yield (org.pk, rng.choice(agent_ids), now - timedelta(seconds=rng.uniform(0, 7 * 86400)),
               rng.choice(["info", "info", "warning", "error"]), msg, "{{}}", "")
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY agents_agentlog ({{cols}}) FROM STDIN") as copy:
            for row in rows({count}):
                copy.write_row(row)
        # settle as a table filled over days would be: vacuumed, analyzed, checkpointed (otherwise autovacuum
        # and the checkpoint of a million fresh rows compete with the searches for the two cores)
        cursor.execute("VACUUM (ANALYZE) agents_agentlog")
        cursor.execute("CHECKPOINT")
    else:
        batch = []
        for row in rows({count}):
            batch.append(row[:2] + (connection.ops.adapt_datetimefield_value(row[2]),) + row[3:])
            if len(batch) == 20000:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
print(raw, AgentLog.objects.filter(organization_id=org.pk).count())
"""


def batch_of(kind: str, size: int) -> dict:
    now = datetime.now(UTC).isoformat()
    if kind == "events":
        return {
            "events": [
                {
                    "timestamp": now,
                    "request_id": f"r{i}",
                    "model": ("claude", "gemini")[i % 2],
                    "latency_ms": 100 + i % 400,
                    "input_tokens": 800,
                    "output_tokens": 300,
                    "success": i % 50 != 0,
                }
                for i in range(size)
            ]
        }
    return {
        "logs": [
            {"timestamp": now, "level": "info", "message": f"served request r{i} in {100 + i % 400} ms"}
            for i in range(size)
        ]
    }


async def ingest(
    url: str, agents: list[tuple[str, str]], kind: str, seconds: float, concurrency: int
) -> dict:
    body = json.dumps(batch_of(kind, 500)).encode()
    accepted, codes, latencies = 0, {}, []
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def client(n: int) -> None:
            nonlocal accepted
            agent_id, token = agents[n % len(agents)]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                async with session.post(
                    f"{url}/api/v1/agents/{agent_id}/{kind}", data=body, headers=headers
                ) as r:
                    answer = await r.json()
                    codes[r.status] = codes.get(r.status, 0) + 1
                    if r.status == 200:
                        accepted += answer["data"]["accepted"]
                latencies.append(time.perf_counter() - begin)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "per_s": round(accepted / elapsed, 1),
        "batches": len(latencies),
        "batch_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "codes": {str(k): v for k, v in codes.items()},
    }


async def searches(url: str, key: str, count: int) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    queries = {
        "term_and_time_range": {"search": "timeout upstream", "start_time": start},
        "term_alone": {"search": "payment"},
    }
    result = {}
    async with aiohttp.ClientSession(headers=headers) as session:
        for name, params in queries.items():
            timings, found = [], 0
            for _ in range(count):
                begin = time.perf_counter()
                async with session.get(f"{url}/api/v1/logs", params={**params, "limit": 100}) as r:
                    found = len((await r.json())["data"]["logs"])
                timings.append((time.perf_counter() - begin) * 1000)
            timings.sort()
            result[name] = {
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
                "found": found,
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--log-lines", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=40)
    args = parser.parse_args()
    platform = Platform(Path(tempfile.mkdtemp(prefix="agentb")))
    platform.start()
    try:
        platform.wait_healthy()
        key, pairs = (
            platform.manage("shell", "-c", SETUP.format(count=args.agents))
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
        agents = [tuple(p.split(":", 1)) for p in pairs.split(",")]
        for agent_id, token in agents:  # healthy agents: every batch then re-derives the status
            httpx.post(
                f"{platform.url}/api/v1/agents/{agent_id}/heartbeat",
                json={"status": "healthy", "checks": [{"name": "llm", "status": "pass"}]},
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
        result: dict = {"mode": "postgres" if platform.database else "embedded", "batch": 500}
        result["events"] = asyncio.run(ingest(platform.url, agents, "events", args.seconds, args.concurrency))
        result["logs"] = asyncio.run(ingest(platform.url, agents, "logs", args.seconds, args.concurrency))
        corpus_key, total = (
            platform.manage("shell", "-c", FILL_LOGS.format(count=args.log_lines))
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
        result["log_lines_searched"] = int(total)
        result["search"] = asyncio.run(searches(platform.url, corpus_key, args.searches))
        # the organization that just took the ingest burst: its newest lines match neither query
        result["search_after_burst"] = asyncio.run(searches(platform.url, key, args.searches))
        print(json.dumps(result))
    finally:
        platform.stop()
        platform.cleanup()


if __name__ == "__main__":
    main()
