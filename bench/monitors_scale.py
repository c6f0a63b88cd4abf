"""Scheduler and executor at scale: N monitors against a local target, the real beat, dispatcher and
workers started by ``manage.py up``, for a few minutes.

    .venv/bin/python bench/monitors_scale.py --monitors 2000 --seconds 180            # embedded
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/monitors_scale.py --monitors 10000

The target answers after 20-200 ms; 5 % of monitors point at a path that hangs past their timeout.
Prints one JSON line: checks/s, scheduling lag p50/p99 (check start minus due time), missed checks, and the
dashboard's page times (median of 5, server and client on this machine): the monitor list's first page (down
first, 50 rows with their strips of last checks), sorted by uptime, its last page, filtered by a tag, and
the overview.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import ADMIN_PASSWORD, Platform, free_port

CREATE = """
import random
from datetime import timedelta
from django.utils import timezone
from monitoring_site.accounts.models import Organization
from monitors.models import Monitor
org = Organization.objects.get()
now = timezone.now() + timedelta(seconds=15)
rows = []
for i in range({count}):
    path = "hang" if i % 20 == 0 else f"ok/{{20 + (i * 37) % 181}}"
    due = now + timedelta(seconds=random.uniform(0, {interval}))
    rows.append(Monitor(organization=org, name=f"m{{i}}", type="website", target=f"{url}/{{path}}",
                        check_interval={interval}, timeout=5, next_check_at=due,
                        tags=["prod"] if i % 4 == 0 else ["staging", "eu"]))
Monitor.objects.bulk_create(rows, batch_size=1000)
print(now.isoformat())
"""

MEASURE = """
from datetime import timedelta
from django.utils.dateparse import parse_datetime
from monitors.models import CheckResult, Monitor
start, end = parse_datetime("{start}"), parse_datetime("{end}")
rows = list(CheckResult.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end).values_list(
    "monitor_id", "scheduled_for", "checked_at"))
lags = sorted((c - s).total_seconds() for _, s, c in rows)
per_monitor = {{}}
for monitor_id, _, _ in rows:
    per_monitor[monitor_id] = per_monitor.get(monitor_id, 0) + 1
expected = int((end - start).total_seconds() // {interval})
missed = sum(max(0, expected - per_monitor.get(pk, 0)) for pk in Monitor.objects.values_list("pk", flat=True))
import json
print(json.dumps({{"checks": len(rows), "lag_p50": lags[len(lags) // 2] if lags else None,
                  "lag_p99": lags[int(len(lags) * 0.99) - 1] if lags else None, "missed": missed,
                  "expected_per_monitor": expected}}))
"""


def start_target(port: int) -> None:
    async def ok(request: web.Request) -> web.Response:
        await asyncio.sleep(int(request.match_info["ms"]) / 1000)
        return web.Response(text="ok")

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response(text="late")

    app = web.Application()
    app.add_routes([web.get("/ok/{ms}", ok), web.get("/hang", hang)])

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()


def page_times(url: str, rounds: int = 5) -> dict[str, float]:
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.get("/login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        client.post(
            "/login",
            data={"username": "admin", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{url}/login"},
        )
        pages = (
            ("list", "/monitors/"),
            ("list_by_uptime", "/monitors/?sort=-uptime"),
            ("list_last_page", "/monitors/?sort=name&page=9999"),
            ("list_tag", "/monitors/?tag=prod"),
            ("overview", "/"),
        )
        times: dict[str, list[float]] = {name: [] for name, _ in pages}
        for _ in range(rounds):
            for name, path in pages:
                started = time.perf_counter()
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                times[name].append((time.perf_counter() - started) * 1000)
    return {f"{name}_page_ms": round(statistics.median(values), 1) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=180)
    args = parser.parse_args()
    port = free_port()
    start_target(port)
    with tempfile.TemporaryDirectory(prefix="bench") as var_dir:
        platform = Platform(Path(var_dir), extra_env={"WORKER_CONCURRENCY": "2"})
        platform.start()
        try:
            platform.wait_healthy()
            first_due = (
                platform.manage(
                    "shell",
                    "-c",
                    CREATE.format(
                        count=args.monitors, url=f"http://127.0.0.1:{port}", interval=args.interval
                    ),
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            from datetime import datetime, timedelta

            start = datetime.fromisoformat(first_due)
            end = start + timedelta(seconds=args.seconds)
            wait = (end - datetime.now(start.tzinfo)).total_seconds() + 15  # let the last due checks finish
            time.sleep(max(wait, 0))
            measured = json.loads(
                platform.manage(
                    "shell",
                    "-c",
                    MEASURE.format(start=start.isoformat(), end=end.isoformat(), interval=args.interval),
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            result = {
                "monitors": args.monitors,
                "interval_s": args.interval,
                "window_s": args.seconds,
                "checks": measured["checks"],
                "checks_per_second": round(measured["checks"] / args.seconds, 1),
                "lag_p50_s": round(measured["lag_p50"], 3) if measured["lag_p50"] is not None else None,
                "lag_p99_s": round(measured["lag_p99"], 3) if measured["lag_p99"] is not None else None,
                "missed_checks": measured["missed"],
                **page_times(platform.url),
                "mode": "postgres" if platform.database else "embedded",
            }
            print(json.dumps(result))
        finally:
            platform.stop()
            platform.cleanup()


if __name__ == "__main__":
    main()
