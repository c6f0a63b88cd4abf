"""Custom metrics sent as OTLP histograms: points keep their buckets (``MetricPoint.histogram``), so a
period's percentiles come from the merged buckets, interpolated within the bucket the rank falls in (as
Prometheus' ``histogram_quantile`` does), instead of from per-point means.

Cumulative series (the OpenTelemetry SDKs' default) are turned into deltas first: per series (its tags
and start time), each point minus the one before it; the first point in the period counts whole only
when its series started inside the period (otherwise it is the baseline), and a point whose counts fall
is a restart and counts whole."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitoring_site.metrics.models import MetricPoint


@dataclass
class Merged:
    bounds: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    count: int = 0
    total: float = 0.0
    low: float | None = None
    high: float | None = None

    def add(self, histogram: dict[str, Any], counts: list[int], count: int, total: float) -> None:
        if not self.counts:
            self.bounds, self.counts = list(histogram["bounds"]), [0] * (len(histogram["bounds"]) + 1)
        if list(histogram["bounds"]) == self.bounds:
            for index, n in enumerate(counts[: len(self.counts)]):
                self.counts[index] += n
        else:  # other bounds: each bucket's count goes where its upper bound falls
            for index, n in enumerate(counts):
                upper = histogram["bounds"][index] if index < len(histogram["bounds"]) else float("inf")
                self.counts[min(bisect_left(self.bounds, upper), len(self.counts) - 1)] += n
        self.count += count
        self.total += total
        if histogram.get("min") is not None:
            self.low = histogram["min"] if self.low is None else min(self.low, histogram["min"])
        if histogram.get("max") is not None:
            self.high = histogram["max"] if self.high is None else max(self.high, histogram["max"])

    def quantile(self, q: float) -> float | None:
        """Linear within the bucket holding rank ``q * observations``, its edges clamped to min and max."""
        observed = sum(self.counts)
        if not observed:
            return None
        rank, seen = q * observed, 0
        for index, n in enumerate(self.counts):
            if n and seen + n >= rank:
                if index > 0:
                    lower = self.bounds[index - 1]
                else:
                    first = self.bounds[0] if self.bounds else 0.0
                    lower = self.low if self.low is not None else min(0.0, first)
                upper = self.bounds[index] if index < len(self.bounds) else (self.high or lower)
                if self.low is not None:
                    lower = max(lower, self.low)
                if self.high is not None:
                    upper = min(upper, self.high)
                return lower + (max(upper, lower) - lower) * (rank - seen) / n
            seen += n
        return self.high

    def summary(self) -> dict[str, Any]:
        if not self.count:
            return {"count": 0, "avg": None, "min": None, "max": None, "p50": None, "p95": None, "p99": None}
        return {
            "count": self.count,
            "avg": self.total / self.count,
            "min": self.low,
            "max": self.high,
            "p50": self.quantile(0.50),
            "p95": self.quantile(0.95),
            "p99": self.quantile(0.99),
        }


def has_histograms(organization_id: int, name: str) -> bool:
    return MetricPoint.objects.filter(
        organization_id=organization_id, name=name, histogram__isnull=False
    ).exists()


def histogram_deltas(
    organization_id: int, name: str, start: datetime, end: datetime, scope: dict[str, Any]
) -> Iterable[tuple[datetime, dict[str, Any], list[int], int, float]]:
    """(timestamp, histogram, counts, count, sum) of each point's own observations in [start, end)."""
    points = MetricPoint.objects.filter(
        organization_id=organization_id,
        name=name,
        timestamp__gte=start,
        timestamp__lt=end,
        histogram__isnull=False,
    )
    for tag, value in (scope.get("tags") or {}).items():
        points = points.filter(**{f"tags__{tag}": value})
    previous: dict[tuple[str, int], tuple[list[int], int, float]] = {}
    start_nanos = int(start.timestamp() * 1e9)
    rows = points.order_by("timestamp", "id").values_list("timestamp", "tags", "histogram")
    for stamp, tags, stored in rows:
        histogram: dict[str, Any] = stored or {}
        counts, count = list(histogram.get("counts") or []), int(histogram.get("count") or 0)
        total = float(histogram.get("sum") or 0)
        if histogram.get("temporality") != "cumulative":
            yield stamp, histogram, counts, count, total
            continue
        series = (json.dumps(tags, sort_keys=True), int(histogram.get("start") or 0))
        before = previous.get(series)
        previous[series] = (counts, count, total)
        if before is None:
            if series[1] >= start_nanos:  # the series began in the period: all of it is in it
                yield stamp, histogram, counts, count, total
            continue
        if count < before[1] or len(counts) != len(before[0]):  # a restart
            yield stamp, histogram, counts, count, total
            continue
        delta = [now - then for now, then in zip(counts, before[0], strict=True)]
        yield stamp, histogram, delta, count - before[1], total - before[2]
