"""Rollups at scale: N monitors with H hours of raw results (one check a minute each), then the rollup
task's steady-state work timed step by step, and the dashboard's rollup reads.

    .venv/bin/python bench/monitors_rollups.py --monitors 2000 --hours 2                       # embedded
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/monitors_rollups.py

Runs in a fresh database (Postgres: a temporary one, dropped at the end; SQLite: a temporary file).
Prints one JSON line: seconds to roll one minute of every monitor's checks (the per-minute run), to roll
one hour (merging its minutes), to refresh uptime_24h and uptime_7d/30d on every monitor, and
milliseconds for the list page's sparklines (200 monitors) and one monitor's 90-day figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(database_url: str | None) -> tuple[str | None, str | None]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "monitoring_site.settings"
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="rollbench")
    os.environ.pop("REDIS_URL", None)
    dropped = None
    if database_url and database_url.startswith("postgres"):
        from tests.e2e.platform import _postgres_database

        dropped = f"msp_bench_{uuid.uuid4().hex[:8]}"
        os.environ["DATABASE_URL"] = _postgres_database(database_url, dropped, create=True)
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return database_url, dropped


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=10_000)
    parser.add_argument("--hours", type=int, default=2)
    args = parser.parse_args()
    base_url, dropped = _setup(os.environ.get("DATABASE_URL"))
    try:
        print(json.dumps(run(args.monitors, args.hours)))
    finally:
        if dropped:
            from django.db import connections

            connections.close_all()
            from tests.e2e.platform import _postgres_database

            _postgres_database(base_url, dropped, create=False)


def _analyze(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(count: int, hours: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from monitoring_site.accounts.models import Organization
    from monitoring_site.time_buckets import floor_to
    from monitors import rollup_selectors
    from monitors.models import CheckResult, Monitor, RollupCursor
    from monitors.services import rollups

    org = Organization.objects.create(name="bench", slug="bench")
    Monitor.objects.bulk_create(
        [Monitor(organization=org, name=f"m{i}", type="website", target="https://x") for i in range(count)],
        batch_size=2000,
    )
    ids = list(Monitor.objects.values_list("pk", flat=True))
    rng = random.Random(5)
    start = floor_to(timezone.now(), timedelta(hours=1)) - timedelta(hours=hours)
    loaded = time.perf_counter()
    for minute in range(hours * 60):
        at = start + timedelta(minutes=minute, seconds=7)
        CheckResult.objects.bulk_create(
            [
                CheckResult(
                    monitor_id=pk,
                    checked_at=at,
                    ok=rng.random() > 0.01,
                    response_time_ms=rng.uniform(20, 200),
                )
                for pk in ids
            ],
            batch_size=5000,
        )
    load_seconds = time.perf_counter() - loaded
    _analyze(connection)

    minute_size, hour_size = timedelta(minutes=1), timedelta(hours=1)
    # Everything but the newest minute and the newest hour is rolled first (as an earlier run would have).
    RollupCursor.objects.create(resolution="minute", done_until=start)
    for _ in range(hours * 60 // 240 + 2):
        rollups._roll_level("minute", start + hours * hour_size - minute_size)
    rollups._roll_level("hour", start + (hours - 1) * hour_size)
    _analyze(connection)  # as autovacuum would after such a load; fresh tables have no statistics
    one_minute, _ = _timed(lambda: rollups._roll_level("minute", start + hours * hour_size))
    one_hour, _ = _timed(lambda: rollups._roll_level("hour", start + hours * hour_size))
    now = start + hours * hour_size + timedelta(minutes=3)
    uptime_24h, _ = _timed(lambda: rollups.monitors_refresh_uptime(now=now, periods=("24h",)))
    uptime_long, _ = _timed(lambda: rollups.monitors_refresh_uptime(now=now, periods=("7d", "30d")))
    page = ids[:200]
    sparklines, _ = _timed(
        lambda: rollup_selectors.monitors_series(page, "24h", "hour", now=now, fresh=False)
    )
    monitor = Monitor.objects.get(pk=ids[0])
    detail, _ = _timed(
        lambda: (
            rollup_selectors.monitor_period_totals(monitor, "90d", now=now),
            rollup_selectors.monitors_series([monitor.pk], "90d", "day", now=now),
            rollup_selectors.monitors_series([monitor.pk], "7d", "hour", now=now, quantiles=True),
        )
    )
    return {
        "database": connection.vendor,
        "monitors": count,
        "raw_results": CheckResult.objects.count(),
        "load_seconds": round(load_seconds, 1),
        "roll_one_minute_s": round(one_minute, 3),
        "roll_one_hour_s": round(one_hour, 3),
        "refresh_uptime_24h_s": round(uptime_24h, 3),
        "refresh_uptime_7d_30d_s": round(uptime_long, 3),
        "list_sparklines_200_ms": round(sparklines * 1000, 1),
        "detail_90d_ms": round(detail * 1000, 1),
    }


if __name__ == "__main__":
    main()
