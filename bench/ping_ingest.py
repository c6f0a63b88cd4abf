"""The ping path under load: the real platform (``manage.py up``, production settings, 2 web processes)
and a load generator on loopback: wrk (``make wrk``; closed loop, ``--connections``) when installed,
else an open-loop asyncio client (``--rate``), which itself needs about 40 % of a core at 1,500/s.

    .venv/bin/python bench/ping_ingest.py                                   # embedded SQLite + Redis
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/ping_ingest.py --tool wrk --connections 50 --seconds 60 \
        --burst-connections 500 --burst-rate 5000 --burst-seconds 5

Requests are sent on a fixed schedule (open loop: a slow answer does not slow the sender), spread over
``--heartbeats`` heartbeats; latency is measured from each request's scheduled time, so queueing counts.
Prints one JSON line: per phase the achieved pings/s (and the offered rate, asyncio), p50/p99 latency, the
200s, and the pings the database holds: equal to the 200s with asyncio; with wrk at most one per connection
more (requests in flight when wrk stops are stored but not counted), never fewer.
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

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import ping_wrk

from tests.e2e.platform import Platform

CREATE = """
import secrets
from monitoring_site.accounts.models import Organization
from monitors.models import Heartbeat
org = Organization.objects.get()
rows = [Heartbeat(organization=org, name=f"job {{i}}", token=secrets.token_urlsafe(16), run_interval=3600)
        for i in range({count})]
Heartbeat.objects.bulk_create(rows, batch_size=1000)
print(",".join(Heartbeat.objects.values_list("token", flat=True)))
"""
COUNT = "from monitors.models import HeartbeatPing; print(HeartbeatPing.objects.count())"


async def phase(url: str, tokens: list[str], rate: float, seconds: float) -> dict:
    total = int(rate * seconds)
    latencies: list[float] = []
    codes: dict[int, int] = {}
    failures: list[str] = []
    connector = aiohttp.TCPConnector(limit=400, force_close=False)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def one(i: int, due: float) -> None:
            try:
                async with session.post(f"{url}/ping/{tokens[i % len(tokens)]}", data=b"ok") as answer:
                    text = await answer.read()
                    codes[answer.status] = codes.get(answer.status, 0) + 1
                    if answer.status != 200 and len(failures) < 3:
                        failures.append(f"{answer.status} {tokens[i % len(tokens)]!r}: {text[:200]!r}")
            except (TimeoutError, aiohttp.ClientError):
                codes[0] = codes.get(0, 0) + 1
            latencies.append(time.perf_counter() - due)

        start = time.perf_counter()
        tasks = []
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "offered_per_s": rate,
        "seconds": seconds,
        "achieved_per_s": round(codes.get(200, 0) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "ok_200": codes.get(200, 0),
        "other": {str(k): v for k, v in codes.items() if k != 200},
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--heartbeats", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--burst-rate", type=float, default=0, help="asyncio: the burst's rate; wrk: paces the burst at it"
    )
    parser.add_argument("--burst-seconds", type=float, default=5)
    parser.add_argument(
        "--tool", choices=["wrk", "asyncio"], default="wrk" if ping_wrk.available() else "asyncio"
    )
    parser.add_argument("--connections", type=int, default=50, help="wrk: concurrent connections")
    parser.add_argument("--burst-connections", type=int, default=0, help="wrk: connections of the burst")
    args = parser.parse_args()
    args.rate_given = "--rate" in sys.argv  # wrk paces the sustained phase only when asked
    if args.tool == "wrk" and not ping_wrk.available():
        raise SystemExit("wrk is not installed: make wrk, or --tool asyncio")
    platform = Platform(Path(tempfile.mkdtemp(prefix="pingb")))
    platform.start()
    try:
        platform.wait_healthy()
        created = platform.manage("shell", "-c", CREATE.format(count=args.heartbeats))
        tokens = created.stdout.strip().splitlines()[-1].split(",")  # after the shell's own banner
        asyncio.run(phase(platform.url, tokens, 50, 2))  # warm-up: connections, the writer threads
        time.sleep(1)
        warm = int(platform.manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1])
        result: dict = {"mode": "postgres" if platform.database else "embedded", "heartbeats": len(tokens)}
        if args.tool == "wrk":
            paced = args.rate if args.rate_given else None
            result["sustained"] = ping_wrk.run(platform.url, tokens, args.connections, args.seconds, paced)
            if args.burst_connections:
                time.sleep(2)
                result["burst"] = ping_wrk.run(
                    platform.url, tokens, args.burst_connections, args.burst_seconds, args.burst_rate or None
                )
        else:
            result["sustained"] = asyncio.run(phase(platform.url, tokens, args.rate, args.seconds))
            if args.burst_rate:
                time.sleep(2)
                result["burst"] = asyncio.run(
                    phase(platform.url, tokens, args.burst_rate, args.burst_seconds)
                )
        stored = int(platform.manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1]) - warm
        answered = sum(p["ok_200"] for p in (result["sustained"], result.get("burst", {"ok_200": 0})))
        result["stored"], result["answered_200"] = stored, answered
        result["stored_minus_200s"] = stored - answered  # 0 (asyncio); 0..connections (wrk's cut-off)
        print(json.dumps(result))
    finally:
        platform.stop()
        platform.cleanup()


if __name__ == "__main__":
    main()
