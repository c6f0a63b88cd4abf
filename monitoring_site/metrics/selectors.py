"""Reading metrics: custom points, and aggregation of any metric into a summary and a timeseries."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from monitoring_site.metrics.histograms import Merged, has_histograms, histogram_deltas
from monitoring_site.metrics.models import MetricPoint
from monitoring_site.metrics.registry import MetricDefinition, all_registered, registered
from monitoring_site.time_buckets import floor_to

PERIODS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
GRANULARITIES = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
DEFAULT_GRANULARITY = {"1h": "minute", "24h": "hour", "7d": "hour", "30d": "day"}
MAX_BUCKETS = 1500


def custom_points(organization_id: int, start: datetime, end: datetime, scope: dict[str, Any], *, name: str):
    points = MetricPoint.objects.filter(
        organization_id=organization_id, name=name, timestamp__gte=start, timestamp__lt=end
    )
    for key, value in (scope.get("tags") or {}).items():
        points = points.filter(**{f"tags__{key}": value})
    return points.order_by("timestamp").values_list("timestamp", "value")


def definition_for(name: str) -> MetricDefinition:
    """The registered metric, or the custom metric of that name."""
    found = registered(name)
    if found is not None:
        return found
    return MetricDefinition(
        name=name,
        unit="",
        description="Custom metric (POST /metrics).",
        source="custom",
        points=partial(custom_points, name=name),
        scopes=("tags",),
    )


def metric_known(organization_id: int, name: str) -> bool:
    """A registered metric, or a custom one this organization has pushed points of."""
    return (
        registered(name) is not None
        or MetricPoint.objects.filter(organization_id=organization_id, name=name).exists()
    )


def metric_catalog(organization_id: int) -> list[dict[str, Any]]:
    registered_names = {d.name for d in all_registered()}
    custom = (
        MetricPoint.objects.filter(organization_id=organization_id).values_list("name", flat=True).distinct()
    )
    rows = [d.describe() for d in all_registered()]
    rows += [definition_for(n).describe() for n in sorted(set(custom) - registered_names)]
    return rows


def percentile(ordered: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default) on an already sorted list."""
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    if not ordered:
        return {"count": 0, "avg": None, "min": None, "max": None, "p50": None, "p95": None, "p99": None}
    return {
        "count": len(ordered),
        "avg": sum(ordered) / len(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "p50": percentile(ordered, 0.50),
        "p95": percentile(ordered, 0.95),
        "p99": percentile(ordered, 0.99),
    }


def metric_series(
    *,
    organization_id: int,
    name: str,
    start: datetime,
    end: datetime,
    granularity: str,
    scope: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Summary over [start, end) and one summarized bucket per granularity step (empty buckets included)."""
    definition = definition_for(name)
    step = GRANULARITIES[granularity]
    if definition.source == "custom" and has_histograms(organization_id, name):
        return _histogram_series(organization_id, definition, start, end, step, scope or {})
    points: Iterable[tuple[datetime, float]] = definition.points(organization_id, start, end, scope or {})
    buckets: dict[datetime, list[float]] = {}
    values: list[float] = []
    for timestamp, value in points:
        values.append(value)
        buckets.setdefault(floor_to(timestamp, step), []).append(value)
    series = []
    cursor = floor_to(start, step)
    while cursor < end:
        series.append({"timestamp": cursor, **summarize(buckets.get(cursor, []))})
        cursor += step
    return {"metric": definition.describe(), "summary": summarize(values), "timeseries": series}


def _histogram_series(
    organization_id: int,
    definition: MetricDefinition,
    start: datetime,
    end: datetime,
    step: timedelta,
    scope: dict[str, Any],
) -> dict[str, Any]:
    """The series of a custom histogram metric: observations counted, percentiles from merged buckets."""
    whole = Merged()
    buckets: dict[datetime, Merged] = {}
    for stamp, histogram, counts, count, total in histogram_deltas(
        organization_id, definition.name, start, end, scope
    ):
        whole.add(histogram, counts, count, total)
        buckets.setdefault(floor_to(stamp, step), Merged()).add(histogram, counts, count, total)
    series = []
    cursor = floor_to(start, step)
    while cursor < end:
        series.append({"timestamp": cursor, **buckets.get(cursor, Merged()).summary()})
        cursor += step
    return {"metric": definition.describe(), "summary": whole.summary(), "timeseries": series}


def metric_value(
    *, organization_id: int, name: str, start: datetime, end: datetime, scope: dict[str, Any] | None = None
) -> float | None:
    """The average over [start, end), or None without data: what alert rules compare to thresholds (for
    a histogram metric, the mean of the observations)."""
    definition = definition_for(name)
    if definition.source == "custom" and has_histograms(organization_id, name):
        merged = Merged()
        for _stamp, histogram, counts, count, total in histogram_deltas(
            organization_id, name, start, end, scope or {}
        ):
            merged.add(histogram, counts, count, total)
        return merged.total / merged.count if merged.count else None
    values = [v for _, v in definition_for(name).points(organization_id, start, end, scope or {})]
    return sum(values) / len(values) if values else None
