"""Probes at scale: N monitors checked from three locations (the platform's local checker and two probe
processes on this machine, ``probe-a`` and ``probe-b``), against a local target, for a few minutes.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/probes_scale.py --monitors 10000 --seconds 120
    .venv/bin/python bench/probes_scale.py --monitors 2000 --seconds 120                   # embedded

The target answers after 20-200 ms. Every monitor lists ``local``, ``probe-a`` and ``probe-b`` (quorum: the
default, 2 of 3). Prints one JSON line: per location the checks/s and the lag p50/p99 (check start minus
due time), quorum decisions/s (every recorded result of a monitor of several locations is one), and the
results lost (due checks of the window with no recorded result, per monitor and location).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.monitors_scale import start_target
from tests.e2e.platform import Platform, free_port

LOCATIONS = ["local", "probe-a", "probe-b"]

CREATE = """
import random
from datetime import timedelta
from django.utils import timezone
from jobs.services.runners import enrollment_token_create
from monitoring_site.accounts.models import Organization
from monitors.models import Monitor, MonitorLocation
org = Organization.objects.get()
now = timezone.now() + timedelta(seconds=20)
rows = []
for i in range({count}):
    due = now + timedelta(seconds=random.uniform(0, {interval}))
    rows.append(Monitor(organization=org, name=f"m{{i}}", type="website",
                        target=f"{url}/ok/{{20 + (i * 37) % 181}}", check_interval={interval}, timeout=5,
                        next_check_at=due, locations={locations}))
Monitor.objects.bulk_create(rows, batch_size=1000)
places = []
for monitor in Monitor.objects.all():
    for name in {locations}:
        due = None if name == "local" else now + timedelta(seconds=random.uniform(0, {interval}))
        places.append(MonitorLocation(monitor=monitor, location=name, next_check_at=due, since=now))
MonitorLocation.objects.bulk_create(places, batch_size=2000)
_, raw = enrollment_token_create(organization=org, name="bench")
print(now.isoformat(), raw)
"""

MEASURE = """
import json
from django.utils.dateparse import parse_datetime
from monitors.models import CheckResult, Monitor
start, end = parse_datetime("{start}"), parse_datetime("{end}")
rows = CheckResult.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end).values_list(
    "monitor_id", "location", "scheduled_for", "checked_at")
lags, seen = {{}}, {{}}
for monitor_id, location, due, checked in rows.iterator(chunk_size=10000):
    lags.setdefault(location, []).append((checked - due).total_seconds())
    seen[(monitor_id, location)] = seen.get((monitor_id, location), 0) + 1
ids = list(Monitor.objects.values_list("pk", flat=True))
expected = int((end - start).total_seconds() // {interval})
out = {{}}
for location in {locations}:
    found = sorted(lags.get(location, []))
    out[location] = {{
        "checks": len(found),
        "lag_p50": found[len(found) // 2] if found else None,
        "lag_p99": found[max(int(len(found) * 0.99) - 1, 0)] if found else None,
        "lost": sum(max(0, expected - seen.get((pk, location), 0)) for pk in ids),
    }}
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()
    port = free_port()
    start_target(port)
    probes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="bench") as var_dir:
        platform = Platform(Path(var_dir), extra_env={"WORKER_CONCURRENCY": "2"})
        platform.start()
        try:
            platform.wait_healthy()
            code = CREATE.format(
                count=args.monitors,
                url=f"http://127.0.0.1:{port}",
                interval=args.interval,
                locations=LOCATIONS,
            )
            first_due, enrollment = (
                platform.manage("shell", "-c", code).stdout.strip().splitlines()[-1].split()
            )
            for name in LOCATIONS[1:]:
                probes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "monitoring_runner.probe", "--url", platform.url,
                         "--enroll", enrollment, "--name", name, "--location", name,
                         "--token-file", str(Path(var_dir) / f"{name}.json")],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )
                )  # fmt: skip
            start = datetime.fromisoformat(first_due) + timedelta(seconds=args.interval)  # warmed up
            end = start + timedelta(seconds=args.seconds)
            time.sleep(max((end - datetime.now(start.tzinfo)).total_seconds() + 20, 0))
            code = MEASURE.format(
                start=start.isoformat(), end=end.isoformat(), interval=args.interval, locations=LOCATIONS
            )
            measured = json.loads(platform.manage("shell", "-c", code).stdout.strip().splitlines()[-1])
            remote = sum(measured[name]["checks"] for name in LOCATIONS)
            result = {
                "monitors": args.monitors,
                "locations": len(LOCATIONS),
                "interval_s": args.interval,
                "window_s": args.seconds,
                **{
                    f"{name}_{key}": value
                    for name, figures in measured.items()
                    for key, value in (
                        ("checks_per_second", round(figures["checks"] / args.seconds, 1)),
                        ("lag_p50_s", None if figures["lag_p50"] is None else round(figures["lag_p50"], 3)),
                        ("lag_p99_s", None if figures["lag_p99"] is None else round(figures["lag_p99"], 3)),
                        ("lost", figures["lost"]),
                    )
                },
                "quorum_decisions_per_second": round(remote / args.seconds, 1),
                "results_lost": sum(figures["lost"] for figures in measured.values()),
                "mode": "postgres" if platform.database else "embedded",
            }
            print(json.dumps(result))
        finally:
            for probe in probes:
                probe.terminate()
            for probe in probes:
                probe.wait(30)
            platform.stop()
            platform.cleanup()


if __name__ == "__main__":
    main()
