"""Noop jobs through the real platform (``manage.py up``: web, the jobs worker, the event fan-out): ``--jobs``
jobs (default 5,000) started over the API (``POST /jobs`` with an API key, ``--concurrency`` requests in
flight), each run by the jobs worker (start and finish are audited, counted in the statistics and
published as events). Prints one JSON line: jobs/s from the first creation to the last completion, the API's
create rate, and the created-to-completed latency p50/p99/max from the jobs' own timestamps.

    .venv/bin/python bench/jobs_throughput.py                                  # embedded SQLite + Redis
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/jobs_throughput.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import Platform, wait_for

SETUP = """
from jobs.inputs import NewTask
from jobs.services.tasks import task_create
from monitoring_site.accounts.choices import ApiKeyScope
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.services import api_key_create
org = Organization.objects.get()
task, _ = task_create(organization=org, new=NewTask(name="noop", kind="noop", task_type="bench"))
_key, raw = api_key_create(organization=org, name="bench", scope=ApiKeyScope.WRITE)
print(task.pk, raw)
"""
FINISHED = """
from jobs.models import Job
print(Job.objects.filter(status__in=["completed", "failed", "cancelled"]).count())
"""
LATENCIES = """
import json
from datetime import datetime
from jobs.models import Job
rows = list(Job.objects.values_list("created_at", "completed_at", "status"))
first = min(r[0] for r in rows); last = max(r[1] for r in rows)
created_end = datetime.fromisoformat("{created_end}")
after = [r[1] for r in rows if r[1] > created_end]
lat = sorted((r[1] - r[0]).total_seconds() for r in rows)
print(json.dumps({"span_s": (last - first).total_seconds(), "failed": sum(r[2] != "completed" for r in rows),
                  "p50_ms": lat[len(lat) // 2] * 1000, "p99_ms": lat[int(0.99 * (len(lat) - 1))] * 1000,
                  "max_ms": lat[-1] * 1000,
                  "after_creation": len(after), "after_creation_s": (last - created_end).total_seconds()}))
"""


async def create_jobs(url: str, key: str, task_id: int, count: int, concurrency: int) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    codes: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    async with aiohttp.ClientSession(headers=headers) as session:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                async with session.post(f"{url}/api/v1/jobs", json={"task": task_id}) as answer:
                    await answer.read()
                    codes[answer.status] = codes.get(answer.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"created_per_s": round(count / elapsed, 1), "codes": {str(k): v for k, v in codes.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    platform = Platform(Path(tempfile.mkdtemp(prefix="jobsb")))
    platform.start()
    try:
        platform.wait_healthy()
        task_id, key = platform.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1].split()

        def finished() -> int:
            return int(platform.manage("shell", "-c", FINISHED).stdout.strip().splitlines()[-1])

        created = asyncio.run(create_jobs(platform.url, key, int(task_id), args.jobs, args.concurrency))
        created_end = datetime.now(UTC).isoformat()
        wait_for(lambda: finished() >= args.jobs, f"{args.jobs} finished jobs", 1800)
        code = LATENCIES.replace("{created_end}", created_end)
        figures = json.loads(platform.manage("shell", "-c", code).stdout.strip().splitlines()[-1])
        print(
            json.dumps(
                {
                    "mode": "postgres" if platform.database else "embedded",
                    "jobs": args.jobs,
                    "jobs_per_s": round(args.jobs / figures["span_s"], 1),
                    **created,
                    "failed": figures["failed"],
                    # the worker alone, once the API calls stopped competing with it for the two cores
                    "worker_jobs_per_s_after_creation": round(
                        figures["after_creation"] / max(figures["after_creation_s"], 0.001), 1
                    ),
                    "created_to_completed_p50_ms": round(figures["p50_ms"], 1),
                    "created_to_completed_p99_ms": round(figures["p99_ms"], 1),
                    "created_to_completed_max_ms": round(figures["max_ms"], 1),
                }
            )
        )
    finally:
        platform.stop()
        platform.cleanup()


if __name__ == "__main__":
    main()
