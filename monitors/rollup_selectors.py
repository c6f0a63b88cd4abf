"""Reading check rollups: the levels stitched together (the coarsest up to its cursor, then each finer
level from there, then raw results: ``window``), summed into totals per monitor and bucket."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from monitoring_site.metrics.latency_totals import LatencyTotals
from monitoring_site.time_buckets import SIZE, Resolution, floor_to
from monitors.models import CheckResult, CheckRollup, Monitor, RollupCursor

PERIODS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}


@dataclass
class Totals(LatencyTotals):
    """Checks summed over any span: the shared counts and sketch, with the response-time count and sum (a
    check that failed before an answer has no response time)."""

    rt_count: int = 0
    rt_sum: float = 0.0

    def add_check(self, ok: bool, response_time_ms: float | None) -> None:
        self.count += 1
        self.failures += 0 if ok else 1
        if response_time_ms is not None:
            self.rt_count += 1
            self.rt_sum += response_time_ms
            self.sketch.add(response_time_ms)

    def add_rollup(self, row: Mapping[str, Any]) -> None:
        self.add_counts(row["count"], row["failures"], row.get("sketch"))
        self.rt_count += row["rt_count"]
        self.rt_sum += row["rt_sum"]

    @property
    def uptime(self) -> float | None:
        return self.success_percent

    @property
    def rt_avg(self) -> float | None:
        return round(self.rt_sum / self.rt_count, 3) if self.rt_count else None

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


@dataclass
class Window:
    """Rollup spans (resolution, from, until) covering a period without overlap, then raw results from
    ``raw_from`` on (checks not rolled up yet), so figures are as fresh as the last stored check."""

    spans: list[tuple[str, datetime, datetime]]
    raw_from: datetime | None

    def rollup_filter(self) -> Q | None:
        if not self.spans:
            return None
        return reduce(
            or_, (Q(resolution=lvl, bucket_start__gte=a, bucket_start__lt=b) for lvl, a, b in self.spans)
        )


def window(start: datetime, coarsest: str, finest: str = Resolution.MINUTE, raw: bool = True) -> Window:
    """The coarsest level from ``start`` (floored to its bucket) to its cursor, then each finer level up
    to its own cursor down to ``finest``, then (with ``raw``) raw results."""
    cursors = dict(RollupCursor.objects.values_list("resolution", "done_until"))
    order = [Resolution.DAY, Resolution.HOUR, Resolution.MINUTE]
    levels = order[order.index(Resolution(coarsest)) : order.index(Resolution(finest)) + 1]
    moment = floor_to(start, SIZE[levels[0]])
    spans: list[tuple[str, datetime, datetime]] = []
    for level in levels:
        until = cursors.get(level)
        if until and until > moment:
            spans.append((level, moment, until))
            moment = until
    return Window(spans, moment if raw else None)


def coarsest_for(period: timedelta) -> str:
    return Resolution.DAY if period >= timedelta(days=30) else Resolution.HOUR


def window_totals(
    span: Window, monitor_ids: list[int], bucket: timedelta | None, *, quantiles: bool
) -> dict[tuple[int, datetime | None], Totals]:
    """Totals per (monitor, bucket start) over the window; ``bucket=None`` sums the whole window."""
    totals: dict[tuple[int, datetime | None], Totals] = {}

    def slot(pk: int, at: datetime) -> Totals:
        return totals.setdefault((pk, floor_to(at, bucket) if bucket else None), Totals())

    where = span.rollup_filter()
    if where is not None:
        names = ["monitor_id", "bucket_start", "count", "failures", "rt_count", "rt_sum"]
        rows = CheckRollup.objects.filter(where, monitor_id__in=monitor_ids).order_by()
        for row in rows.values(*names, *(["sketch"] if quantiles else [])).iterator(chunk_size=5000):
            slot(row["monitor_id"], row["bucket_start"]).add_rollup(row)
    if span.raw_from is not None:
        raw = CheckResult.objects.filter(monitor_id__in=monitor_ids, checked_at__gte=span.raw_from)
        for pk, at, ok, ms in raw.order_by().values_list(
            "monitor_id", "checked_at", "ok", "response_time_ms"
        ):
            slot(pk, at).add_check(ok, ms)
    return totals


def monitor_period_totals(monitor: Monitor, period: str, *, now: datetime) -> Totals:
    """Everything about one monitor over a period (24h, 7d, 30d, 90d): uptime and percentiles."""
    length = PERIODS[period]
    found = window_totals(window(now - length, coarsest_for(length)), [monitor.pk], None, quantiles=True)
    return found.get((monitor.pk, None), Totals())


def monitors_series(
    monitor_ids: list[int],
    period: str,
    bucket: str,
    *,
    now: datetime,
    quantiles: bool = False,
    fresh: bool = True,
) -> dict[int, list[tuple[datetime, Totals]]]:
    """Per monitor, the period in ``bucket``-sized points (finer rows merge into their bucket). Without
    ``fresh``, only ``bucket`` rollups are read: the list page's sparklines skip the newest hour."""
    span = window(now - PERIODS[period], bucket, Resolution.MINUTE if fresh else bucket, raw=fresh)
    found = window_totals(span, monitor_ids, SIZE[Resolution(bucket)], quantiles=quantiles)
    series: dict[int, list[tuple[datetime, Totals]]] = {pk: [] for pk in monitor_ids}
    for (pk, at), totals in sorted(found.items(), key=lambda item: (item[0][0], item[0][1])):
        series[pk].append((at, totals))  # type: ignore[arg-type]
    return series
