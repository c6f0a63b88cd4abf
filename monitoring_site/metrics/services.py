"""Writing custom metric points."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.utils import timezone

from monitoring_site.accounts.models import Organization
from monitoring_site.datetimes import parse_timestamp
from monitoring_site.errors import RuleViolation
from monitoring_site.metrics.models import MetricPoint
from monitoring_site.metrics.registry import registered

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$")
MAX_POINTS = 1000
MAX_TAGS = 20
FUTURE_TOLERANCE = timedelta(minutes=5)


def custom_name_problem(name: Any) -> str:
    """Why ``name`` cannot name a custom metric ("" when it can)."""
    if not isinstance(name, str) or not NAME.match(name):
        return "Use letters, digits, '_', '.', ':' or '-', starting with a letter or '_' (max 100)."
    if registered(name) is not None:
        return f"'{name}' is a built-in metric; custom points need another name."
    return ""


def metric_points_store(*, organization_id: int, points: list[MetricPoint]) -> None:
    """Store checked points (OTLP's, which may carry histograms) in one statement."""
    for point in points:
        point.organization_id = organization_id
    MetricPoint.objects.bulk_create(points, batch_size=1000)


def _point_errors(point: Any, now: datetime) -> tuple[dict[str, list[str]], MetricPoint | None]:
    if not isinstance(point, dict):
        return {"": ["Each point must be an object."]}, None
    errors: dict[str, list[str]] = {}
    name = point.get("name")
    if problem := custom_name_problem(name):
        errors["name"] = [problem]
    value = point.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors["value"] = ["Must be a finite number."]
    tags = point.get("tags") or {}
    if (
        not isinstance(tags, dict)
        or len(tags) > MAX_TAGS
        or not all(
            isinstance(k, str) and isinstance(v, str | int | float) and not isinstance(v, bool)
            for k, v in tags.items()
        )
    ):
        errors["tags"] = [f"An object of at most {MAX_TAGS} string keys with string or number values."]
    timestamp = now
    if point.get("timestamp") is not None:
        parsed = parse_timestamp(point["timestamp"])
        if parsed is None:
            errors["timestamp"] = ["Use an ISO-8601 date-time."]
        else:
            timestamp = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            if timestamp > now + FUTURE_TOLERANCE:
                errors["timestamp"] = ["Is in the future."]
    if errors:
        return errors, None
    clean_tags = {k: str(v) for k, v in tags.items()}
    return {}, MetricPoint(
        name=str(name), value=float(cast(float, value)), tags=clean_tags, timestamp=timestamp
    )


def metric_points_record(*, organization: Organization, points: Any) -> int:
    """Store every point or none: a bad item is reported by index (``points[3].value``)."""
    if not isinstance(points, list) or not points:
        raise RuleViolation("Send a non-empty list of points.", details={"points": ["A non-empty list."]})
    if len(points) > MAX_POINTS:
        raise RuleViolation("Too many points.", details={"points": [f"At most {MAX_POINTS} per request."]})
    now = timezone.now()
    rows: list[MetricPoint] = []
    details: dict[str, list[str]] = {}
    for index, point in enumerate(points):
        errors, row = _point_errors(point, now)
        for field, messages in errors.items():
            details[f"points[{index}]{'.' + field if field else ''}"] = messages
        if row is not None:
            row.organization = organization
            rows.append(row)
    if details:
        raise RuleViolation(
            f"{len(points) - len(rows)} of {len(points)} points are invalid; none were stored.",
            details=details,
        )
    MetricPoint.objects.bulk_create(rows)
    return len(rows)
