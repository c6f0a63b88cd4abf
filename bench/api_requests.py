"""Throughput of the authenticated API path (API-key lookup, tenant scoping, pagination, envelope) against
the real ASGI server started by ``manage.py up``.

    .venv/bin/python bench/api_requests.py [--requests 3000] [--concurrency 20]

Embedded mode by default; with DATABASE_URL/REDIS_URL set it runs against them (a fresh Postgres database).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import Platform

SETUP = (
    "from monitoring_site.accounts.models import Organization, Project; "
    "from monitoring_site.accounts.services import api_key_create; "
    "org = Organization.objects.get(); "
    "[Project.objects.get_or_create(organization=org, name=f'project-{i}') for i in range(25)]; "
    "print(api_key_create(organization=org, name='bench', scope='read')[1])"
)


async def run(url: str, key: str, total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, limits=limits
    ) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                i = queue.get_nowait()
                path = "/api/v1/projects?per_page=25" if i % 2 else "/api/v1/auth/me"
                started = time.perf_counter()
                response = await client.get(path, timeout=30)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": total,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench") as var_dir:
        platform = Platform(Path(var_dir))
        platform.start()
        try:
            platform.wait_healthy()
            key = platform.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1]
            asyncio.run(run(platform.url, key, 200, args.concurrency))  # warm-up
            result = asyncio.run(run(platform.url, key, args.requests, args.concurrency))
            result["mode"] = "postgres" if platform.database else "embedded"
            print(json.dumps(result))
        finally:
            platform.stop()
            platform.cleanup()


if __name__ == "__main__":
    main()
