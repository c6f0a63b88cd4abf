"""Rollups: raw check results summed per minute and per hour, hours per day (UTC buckets).

Each level has a cursor (``RollupCursor.done_until``); a run rolls every closed bucket from the cursor on,
upserting rows, so a run that dies half-way is simply repeated. Reads (uptime, charts) are in
``monitors.rollup_selectors``; the stored uptime figures are written here from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import FloatField, Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast

from monitoring_site.retention import delete_older_than
from monitoring_site.time_buckets import Resolution, floor_to
from monitors.models import CheckResult, CheckRollup, Monitor, RollupCursor
from monitors.rollup_selectors import PERIODS, SIZE, Totals, coarsest_for, window

# A check's result is stored when it ends, up to its timeout (120 s at most) after it started; a minute is
# rolled up once every check that started in it has had time to finish.
SETTLE = timedelta(seconds=150)
# How many buckets one run rolls at most (a long outage catches up over several runs).
MAX_BUCKETS_PER_RUN: dict[str, int] = {Resolution.MINUTE: 240, Resolution.HOUR: 48, Resolution.DAY: 7}
WRITE_BATCH = 1000


# --- writing ---------------------------------------------------------------------------------------


def _raw_totals(start: datetime, end: datetime, size: timedelta) -> dict[tuple[int, datetime], Totals]:
    totals: dict[tuple[int, datetime], Totals] = {}
    rows = CheckResult.objects.filter(checked_at__gte=start, checked_at__lt=end).values_list(
        "monitor_id", "checked_at", "ok", "response_time_ms"
    )
    for monitor_id, at, ok, response_time in rows.iterator(chunk_size=5000):
        totals.setdefault((monitor_id, floor_to(at, size)), Totals()).add_check(ok, response_time)
    return totals


def _days_from_hours(start: datetime, end: datetime) -> dict[tuple[int, datetime], Totals]:
    """Days merge their hours' sketches (the raw results may be pruned by the time a day is rolled);
    minutes and hours read raw results, whose plain columns are cheaper to read than JSON sketches."""
    totals: dict[tuple[int, datetime], Totals] = {}
    rows = CheckRollup.objects.filter(
        resolution=Resolution.HOUR, bucket_start__gte=start, bucket_start__lt=end
    ).values("monitor_id", "bucket_start", "count", "failures", "rt_count", "rt_sum", "sketch")
    for row in rows.iterator(chunk_size=5000):
        key = (row["monitor_id"], floor_to(row["bucket_start"], SIZE[Resolution.DAY]))
        totals.setdefault(key, Totals()).add_rollup(row)
    return totals


def _write(level: str, totals: dict[tuple[int, datetime], Totals]) -> int:
    alive = set(Monitor.objects.filter(pk__in={pk for pk, _ in totals}).values_list("pk", flat=True))
    rows = [
        CheckRollup(monitor_id=pk, resolution=level, bucket_start=bucket, **t.as_row())
        for (pk, bucket), t in totals.items()
        if pk in alive
    ]
    fields = ["count", "failures", "rt_count", "rt_sum", "rt_avg", "rt_p50", "rt_p95", "rt_p99", "sketch"]
    for start in range(0, len(rows), WRITE_BATCH):
        CheckRollup.objects.bulk_create(
            rows[start : start + WRITE_BATCH],
            update_conflicts=True,
            unique_fields=["monitor", "resolution", "bucket_start"],
            update_fields=fields,
        )
    return len(rows)


def _cursor(level: str) -> RollupCursor | None:
    return RollupCursor.objects.filter(resolution=level).first()


def _first_bucket(level: str, end: datetime) -> datetime:
    """Where a level without a cursor starts: at its oldest source row (results already stored when
    rollups were introduced are rolled too), or at ``end`` when there is none."""
    if level != Resolution.DAY:
        oldest = CheckResult.objects.filter(checked_at__lt=end).order_by("checked_at").first()
        moment = oldest.checked_at if oldest else None
    else:
        source = CheckRollup.objects.filter(resolution=Resolution.HOUR, bucket_start__lt=end)
        first = source.order_by("bucket_start").values_list("bucket_start", flat=True).first()
        moment = first
    return floor_to(moment, SIZE[level]) if moment else end


def _roll_level(level: str, end: datetime) -> tuple[int, datetime | None]:
    """Roll ``level`` from its cursor to ``end`` (bucket-aligned); returns (rows written, new cursor)."""
    size = SIZE[level]
    cursor = _cursor(level)
    start = cursor.done_until if cursor else _first_bucket(level, end)
    end = min(end, start + size * MAX_BUCKETS_PER_RUN[level])
    if end <= start:
        return 0, cursor.done_until if cursor else None
    totals = _days_from_hours(start, end) if level == Resolution.DAY else _raw_totals(start, end, size)
    first_rows = not CheckRollup.objects.filter(resolution=level).exists()
    written = _write(level, totals)
    if first_rows and written:
        _refresh_statistics()
    RollupCursor.objects.update_or_create(resolution=level, defaults={"done_until": end})
    return written, end


def _refresh_statistics() -> None:
    """Postgres plans the uptime refresh's per-monitor sums from table statistics; until autovacuum has
    seen a level's first rows it may scan the level's whole time range once per monitor. So the first
    rows of each level are followed by an ANALYZE of the table (SQLite picks the unique index anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CheckRollup._meta.db_table}")


def rollups_advance(*, now: datetime) -> dict[str, int]:
    """Roll every level as far as it can go, then refresh the monitors' uptime columns."""
    written: dict[str, int] = {}
    minute_end = floor_to(now - SETTLE, SIZE[Resolution.MINUTE])
    written["minute"], minute_done = _roll_level(Resolution.MINUTE, minute_end)
    hour_before = _cursor(Resolution.HOUR)
    written["hour"], hour_done = (
        _roll_level(Resolution.HOUR, floor_to(minute_done, SIZE[Resolution.HOUR]))
        if minute_done
        else (0, None)
    )
    written["day"], _ = (
        _roll_level(Resolution.DAY, floor_to(hour_done, SIZE[Resolution.DAY])) if hour_done else (0, None)
    )
    written["uptime_24h"] = monitors_refresh_uptime(now=now, periods=("24h",))
    if hour_done and (hour_before is None or hour_before.done_until != hour_done):
        written["uptime_long"] = monitors_refresh_uptime(now=now, periods=("7d", "30d"))
    return written


def monitors_refresh_uptime(*, now: datetime, periods: Iterable[str], chunk: int = 2000) -> int:
    """Write ``uptime_<period>`` on every monitor from its rollups (to the last rolled minute) with one
    UPDATE per ``chunk`` monitors and a correlated sum, so the database does the work and each
    statement holds its row locks briefly. Returns how many monitors were written."""
    written = 0
    for period in periods:
        length = PERIODS[period]
        where = window(now - length, coarsest_for(length), raw=False).rollup_filter()
        if where is None:
            figure: Any = Value(None, output_field=FloatField())
        else:
            sums = (
                CheckRollup.objects.filter(where, monitor_id=OuterRef("pk")).order_by().values("monitor_id")
            )
            ratio = Cast(Sum("count") - Sum("failures"), FloatField()) * 100.0 / Sum("count")
            figure = Subquery(sums.annotate(uptime=ratio).values("uptime")[:1], output_field=FloatField())
        bounds = Monitor.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            continue
        for low in range(bounds["low"], bounds["high"] + 1, chunk):
            rows = Monitor.objects.filter(pk__gte=low, pk__lt=low + chunk)
            written += rows.update(**{f"uptime_{period}": figure})
    return written


def rollups_prune(*, now: datetime) -> int:
    """Delete rollups past each resolution's retention (``MONITOR_ROLLUP_RETENTION_DAYS``); returns how
    many."""
    deleted = 0
    for level, days in settings.MONITOR_ROLLUP_RETENTION_DAYS.items():
        deleted += delete_older_than(
            CheckRollup, "bucket_start", now - timedelta(days=days), where={"resolution": level}
        )
    return deleted
