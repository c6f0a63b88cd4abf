"""Rollups: raw check results summed per minute, minutes per hour, hours per day (UTC buckets).

Each level has a cursor (``RollupCursor.done_until``); a run rolls every closed bucket from the cursor on,
upserting rows, so a run that dies half-way is simply repeated. Reads (uptime, charts) stitch the levels
together: the coarsest level up to its cursor, then each finer level from there (``segments``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum

from monitoring_site.metrics.sketch import LatencySketch
from monitoring_site.retention import delete_older_than
from monitors.models import CheckResult, CheckRollup, Monitor, Resolution, RollupCursor

SIZE: dict[str, timedelta] = {
    Resolution.MINUTE: timedelta(minutes=1),
    Resolution.HOUR: timedelta(hours=1),
    Resolution.DAY: timedelta(days=1),
}
FINER: dict[str, str] = {Resolution.HOUR: Resolution.MINUTE, Resolution.DAY: Resolution.HOUR}
# A check's result is stored when it ends, up to its timeout (120 s at most) after it started; a minute is
# rolled up once every check that started in it has had time to finish.
SETTLE = timedelta(seconds=150)
# How many buckets one run rolls at most (a long outage catches up over several runs).
MAX_BUCKETS_PER_RUN: dict[str, int] = {Resolution.MINUTE: 240, Resolution.HOUR: 48, Resolution.DAY: 7}
WRITE_BATCH = 1000
PERIODS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_time(moment: datetime, size: timedelta) -> datetime:
    return _EPOCH + ((moment - _EPOCH) // size) * size


@dataclass
class Totals:
    """Checks summed over any span: counts add, sketches merge."""

    count: int = 0
    failures: int = 0
    rt_count: int = 0
    rt_sum: float = 0.0
    sketch: LatencySketch = field(default_factory=LatencySketch)

    def add_check(self, ok: bool, response_time_ms: float | None) -> None:
        self.count += 1
        self.failures += 0 if ok else 1
        if response_time_ms is not None:
            self.rt_count += 1
            self.rt_sum += response_time_ms
            self.sketch.add(response_time_ms)

    def add_rollup(self, row: Mapping[str, Any]) -> None:
        self.count += row["count"]
        self.failures += row["failures"]
        self.rt_count += row["rt_count"]
        self.rt_sum += row["rt_sum"]
        if "sketch" in row:
            self.sketch.merge(LatencySketch.from_json(row["sketch"]))

    @property
    def uptime(self) -> float | None:
        return round(100.0 * (self.count - self.failures) / self.count, 3) if self.count else None

    @property
    def rt_avg(self) -> float | None:
        return round(self.rt_sum / self.rt_count, 3) if self.rt_count else None

    def quantile(self, q: float) -> float | None:
        value = self.sketch.quantile(q)
        return None if value is None else round(value, 3)

    def as_row(self) -> dict:
        return {
            "count": self.count,
            "failures": self.failures,
            "rt_count": self.rt_count,
            "rt_sum": self.rt_sum,
            "rt_avg": self.rt_avg,
            "rt_p50": self.quantile(0.5),
            "rt_p95": self.quantile(0.95),
            "rt_p99": self.quantile(0.99),
            "sketch": self.sketch.to_json(),
        }


# --- writing ---------------------------------------------------------------------------------------


def _raw_totals(start: datetime, end: datetime) -> dict[tuple[int, datetime], Totals]:
    totals: dict[tuple[int, datetime], Totals] = {}
    size = SIZE[Resolution.MINUTE]
    rows = CheckResult.objects.filter(checked_at__gte=start, checked_at__lt=end).values_list(
        "monitor_id", "checked_at", "ok", "response_time_ms"
    )
    for monitor_id, at, ok, response_time in rows.iterator(chunk_size=5000):
        totals.setdefault((monitor_id, floor_time(at, size)), Totals()).add_check(ok, response_time)
    return totals


def _merged_totals(level: str, start: datetime, end: datetime) -> dict[tuple[int, datetime], Totals]:
    totals: dict[tuple[int, datetime], Totals] = {}
    rows = CheckRollup.objects.filter(
        resolution=FINER[level], bucket_start__gte=start, bucket_start__lt=end
    ).values("monitor_id", "bucket_start", "count", "failures", "rt_count", "rt_sum", "sketch")
    for row in rows.iterator(chunk_size=5000):
        key = (row["monitor_id"], floor_time(row["bucket_start"], SIZE[level]))
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
    if level == Resolution.MINUTE:
        oldest = CheckResult.objects.filter(checked_at__lt=end).order_by("checked_at").first()
        moment = oldest.checked_at if oldest else None
    else:
        source = CheckRollup.objects.filter(resolution=FINER[level], bucket_start__lt=end)
        first = source.order_by("bucket_start").values_list("bucket_start", flat=True).first()
        moment = first
    return floor_time(moment, SIZE[level]) if moment else end


def _roll_level(level: str, end: datetime) -> tuple[int, datetime | None]:
    """Roll ``level`` from its cursor to ``end`` (bucket-aligned); returns (rows written, new cursor)."""
    size = SIZE[level]
    cursor = _cursor(level)
    start = cursor.done_until if cursor else _first_bucket(level, end)
    end = min(end, start + size * MAX_BUCKETS_PER_RUN[level])
    if end <= start:
        return 0, cursor.done_until if cursor else None
    totals = _raw_totals(start, end) if level == Resolution.MINUTE else _merged_totals(level, start, end)
    written = _write(level, totals)
    RollupCursor.objects.update_or_create(resolution=level, defaults={"done_until": end})
    return written, end


def rollups_advance(*, now: datetime) -> dict[str, int]:
    """Roll every level as far as it can go, then refresh the monitors' uptime columns."""
    written: dict[str, int] = {}
    minute_end = floor_time(now - SETTLE, SIZE[Resolution.MINUTE])
    written["minute"], minute_done = _roll_level(Resolution.MINUTE, minute_end)
    hour_before = _cursor(Resolution.HOUR)
    written["hour"], hour_done = (
        _roll_level(Resolution.HOUR, floor_time(minute_done, SIZE[Resolution.HOUR]))
        if minute_done
        else (0, None)
    )
    written["day"], _ = (
        _roll_level(Resolution.DAY, floor_time(hour_done, SIZE[Resolution.DAY])) if hour_done else (0, None)
    )
    written["uptime_24h"] = monitors_refresh_uptime(now=now, periods=("24h",))
    if hour_done and (hour_before is None or hour_before.done_until != hour_done):
        written["uptime_long"] = monitors_refresh_uptime(now=now, periods=("7d", "30d"))
    return written


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Window:
    """Rollup spans (resolution, from, until) covering a period without overlap, then raw results from
    ``raw_from`` on (checks not rolled up yet), so figures are as fresh as the last stored check."""

    spans: list[tuple[str, datetime, datetime]]
    raw_from: datetime

    def rollup_filter(self) -> Q | None:
        if not self.spans:
            return None
        return reduce(
            or_, (Q(resolution=lvl, bucket_start__gte=a, bucket_start__lt=b) for lvl, a, b in self.spans)
        )


def window(start: datetime, coarsest: str) -> Window:
    """The coarsest level from ``start`` (floored to its bucket) to its cursor, then each finer level up
    to its own cursor, then raw results."""
    cursors = dict(RollupCursor.objects.values_list("resolution", "done_until"))
    order = [Resolution.DAY, Resolution.HOUR, Resolution.MINUTE]
    levels = order[order.index(Resolution(coarsest)) :]
    moment = floor_time(start, SIZE[levels[0]])
    spans: list[tuple[str, datetime, datetime]] = []
    for level in levels:
        until = cursors.get(level)
        if until and until > moment:
            spans.append((level, moment, until))
            moment = until
    return Window(spans, moment)


def coarsest_for(period: timedelta) -> str:
    return Resolution.DAY if period >= timedelta(days=30) else Resolution.HOUR


def window_totals(
    span: Window, monitor_ids: list[int], bucket: timedelta | None, *, quantiles: bool
) -> dict[tuple[int, datetime | None], Totals]:
    """Totals per (monitor, bucket start) over the window; ``bucket=None`` sums the whole window."""
    totals: dict[tuple[int, datetime | None], Totals] = {}

    def slot(pk: int, at: datetime) -> Totals:
        return totals.setdefault((pk, floor_time(at, bucket) if bucket else None), Totals())

    where = span.rollup_filter()
    if where is not None:
        names = ["monitor_id", "bucket_start", "count", "failures", "rt_count", "rt_sum"]
        rows = CheckRollup.objects.filter(where, monitor_id__in=monitor_ids).order_by()
        for row in rows.values(*names, *(["sketch"] if quantiles else [])).iterator(chunk_size=5000):
            slot(row["monitor_id"], row["bucket_start"]).add_rollup(row)
    raw = CheckResult.objects.filter(monitor_id__in=monitor_ids, checked_at__gte=span.raw_from).order_by()
    for pk, at, ok, response_time in raw.values_list("monitor_id", "checked_at", "ok", "response_time_ms"):
        slot(pk, at).add_check(ok, response_time)
    return totals


def monitor_period_totals(monitor: Monitor, period: str, *, now: datetime) -> Totals:
    """Everything about one monitor over a period (24h, 7d, 30d, 90d): uptime and percentiles."""
    length = PERIODS[period]
    found = window_totals(window(now - length, coarsest_for(length)), [monitor.pk], None, quantiles=True)
    return found.get((monitor.pk, None), Totals())


def monitors_series(
    monitor_ids: list[int], period: str, bucket: str, *, now: datetime, quantiles: bool = False
) -> dict[int, list[tuple[datetime, Totals]]]:
    """Per monitor, the period in ``bucket``-sized points (finer rows merge into their bucket)."""
    found = window_totals(
        window(now - PERIODS[period], bucket), monitor_ids, SIZE[Resolution(bucket)], quantiles=quantiles
    )
    series: dict[int, list[tuple[datetime, Totals]]] = {pk: [] for pk in monitor_ids}
    for (pk, at), totals in sorted(found.items(), key=lambda item: (item[0][0], item[0][1])):
        series[pk].append((at, totals))  # type: ignore[arg-type]
    return series


def monitors_refresh_uptime(*, now: datetime, periods: Iterable[str]) -> int:
    """Write ``uptime_<period>`` on every monitor whose figure changed; returns how many were written.
    Sums run in the database (one grouped query over rollups, one over the raw tail)."""
    written = 0
    for period in periods:
        column = f"uptime_{period}"
        length = PERIODS[period]
        span = window(now - length, coarsest_for(length))
        counts: dict[int, Totals] = {}
        where = span.rollup_filter()
        sums: list[Any] = []
        if where is not None:
            sums.append(
                CheckRollup.objects.filter(where)
                .values("monitor_id")
                .annotate(n=Sum("count"), f=Sum("failures"))
            )
        sums.append(
            CheckResult.objects.filter(checked_at__gte=span.raw_from)
            .values("monitor_id")
            .annotate(n=Count("id"), f=Count("id", filter=Q(ok=False)))
        )
        for query in sums:
            for row in query.order_by():
                found = counts.setdefault(row["monitor_id"], Totals())
                found.count += row["n"]
                found.failures += row["f"]
        stale = [
            Monitor(pk=pk, **{column: counts[pk].uptime if pk in counts else None})
            for pk, current in Monitor.objects.values_list("pk", column).iterator(chunk_size=5000)
            if (counts[pk].uptime if pk in counts else None) != current
        ]
        Monitor.objects.bulk_update(stale, [column], batch_size=500)
        written += len(stale)
    return written


def rollups_prune(*, now: datetime) -> int:
    deleted = 0
    for level, days in settings.MONITOR_ROLLUP_RETENTION_DAYS.items():
        deleted += delete_older_than(
            CheckRollup, "bucket_start", now - timedelta(days=days), where={"resolution": level}
        )
    return deleted
