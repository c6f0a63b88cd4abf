"""Metric data points in: gauges and sums become custom metric points, histograms (explicit and
exponential) points that keep their buckets, so percentiles read back from the merged buckets
(``monitoring_site.metrics.histograms``). Tags are the point's attributes plus ``service.name``."""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils import timezone
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsPartialSuccess,
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)

from agents.otlp.senders import Sender
from agents.otlp.values import attributes, nanos_to_datetime, service_of
from agents.services.ingest import FUTURE_SLACK
from monitoring_site.metrics.models import MetricPoint
from monitoring_site.metrics.services import MAX_TAGS, custom_name_problem, metric_points_store

DELTA, CUMULATIVE = 1, 2  # AggregationTemporality
_KINDS = ("gauge", "sum", "histogram", "exponential_histogram", "summary")


def data_point_count(message: ExportMetricsServiceRequest) -> int:
    total = 0
    for resource in message.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                kind = metric.WhichOneof("data")
                total += len(getattr(metric, kind).data_points) if kind else 0
    return total


def _tags(point: Any, service: str) -> dict[str, str]:
    tags = {"service.name": service} if service else {}
    for name, value in attributes(point.attributes).items():
        if len(tags) >= MAX_TAGS:
            break
        tags[name[:100]] = value[:200] if isinstance(value, str) else json.dumps(value, default=str)[:200]
    return tags


MAX_BUCKETS = 1000


def _finite(point: Any, name: str) -> float | None:
    value = getattr(point, name) if point.HasField(name) else None
    return value if value is not None and math.isfinite(value) else None


def _stored(point: Any, temporality: int, bounds: list[float], counts: list[int]) -> dict[str, Any]:
    """``MetricPoint.histogram``: what percentiles and cumulative-to-delta need of a point."""
    return {
        "bounds": bounds,
        "counts": counts,
        "count": point.count,
        "sum": _finite(point, "sum"),
        "min": _finite(point, "min"),
        "max": _finite(point, "max"),
        "temporality": "cumulative" if temporality == CUMULATIVE else "delta",
        "start": point.start_time_unix_nano,
    }


def _explicit(point: Any, temporality: int) -> dict[str, Any] | None:
    """The stored form of a histogram point; None when it cannot be one (non-finite or unordered
    bounds, more than ``MAX_BUCKETS`` buckets, counts that do not match the bounds)."""
    bounds, counts = list(point.explicit_bounds), list(point.bucket_counts) or [point.count]
    if (
        len(counts) > MAX_BUCKETS
        or not all(math.isfinite(b) for b in bounds)
        or bounds != sorted(bounds)
        or len(counts) != len(bounds) + 1
    ):
        return None
    return _stored(point, temporality, bounds, counts)


def _exponential(point: Any, temporality: int) -> dict[str, Any] | None:
    """The positive buckets as explicit ones (bucket i of offset o holds (base^(o+i), base^(o+i+1)],
    base = 2^(2^-scale)); the zero bucket and negative values go under the first bound. None when the
    scale and offset give bounds no float holds, or there are too many buckets."""
    offset, counts = point.positive.offset, list(point.positive.bucket_counts)
    if len(counts) >= MAX_BUCKETS or not -10 <= point.scale <= 20:
        return None
    try:
        base = 2.0 ** (2.0**-point.scale)  # floats: an int power of a huge offset would never end
        bounds = [base ** (offset + i) for i in range(len(counts) + 1)]
    except OverflowError:
        return None
    if not all(math.isfinite(b) for b in bounds):
        return None
    below = point.zero_count + sum(point.negative.bucket_counts)
    return _stored(point, temporality, bounds, [below, *counts, 0])


def _points(metric: Any, service: str) -> tuple[list[MetricPoint], int]:
    kind = metric.WhichOneof("data")
    if kind not in _KINDS:
        return [], 0
    data = getattr(metric, kind)
    if kind == "summary":
        return [], len(data.data_points)
    rows, refused = [], 0
    for point in data.data_points:
        stamp = nanos_to_datetime(point.time_unix_nano)
        if stamp is None:
            refused += 1
            continue
        histogram = None
        if kind in ("gauge", "sum"):
            value = point.as_double if point.WhichOneof("value") == "as_double" else float(point.as_int)
        else:
            histogram = (_explicit if kind == "histogram" else _exponential)(
                point, data.aggregation_temporality
            )
            if histogram is None:
                refused += 1
                continue
            total = histogram["sum"]
            value = total / point.count if point.count and total is not None else 0.0
        if value != value or value in (float("inf"), float("-inf")):
            refused += 1
            continue
        rows.append(
            MetricPoint(
                name=metric.name,
                value=value,
                tags=_tags(point, service),
                timestamp=stamp,
                histogram=histogram,
            )
        )
    return rows, refused


def metrics_receive(*, sender: Sender, message: ExportMetricsServiceRequest) -> ExportMetricsServiceResponse:
    now = timezone.now()
    rows: list[MetricPoint] = []
    rejected, reason = 0, ""
    for resource_metrics in message.resource_metrics:
        service, _instance = service_of(attributes(resource_metrics.resource.attributes))
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                problem = custom_name_problem(metric.name)
                points, refused = _points(metric, service)
                if problem:
                    refused += len(points)
                    points = []
                elif refused:
                    problem = (
                        f"'{metric.name}': summary points, points without a time or a finite value, or "
                        "histograms with bounds or buckets that are out of order or too many"
                    )
                timely = [p for p in points if p.timestamp <= now + FUTURE_SLACK]
                if len(timely) < len(points):
                    refused += len(points) - len(timely)
                    problem = problem or f"'{metric.name}': points in the future"
                rows += timely
                if refused:
                    rejected, reason = rejected + refused, reason or problem
    metric_points_store(organization_id=sender.organization_id, points=rows)
    response = ExportMetricsServiceResponse()
    if rejected:
        response.partial_success.CopyFrom(
            ExportMetricsPartialSuccess(
                rejected_data_points=rejected, error_message=f"{rejected} refused, e.g. {reason}."
            )
        )
    return response
