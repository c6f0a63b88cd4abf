"""Reads of the jobs domain: queue totals and the dashboard statistics. Every figure is an aggregate the
database computes over the hourly ``JobStatsBucket`` rows (one per hour, queue and task type, kept in step
with the jobs by ``jobs.services.stats``), so a year of millions of jobs is a few thousand rows to sum;
nothing loops over job rows in Python. Ranges count jobs by the hour they were created in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, Min, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.choices import JobStatus, ScheduleType
from jobs.models import JobStatsBucket, JobStatusAudit, Task
from monitoring_site.time_buckets import HOUR, floor_to

RANGES = ("Today", "Week", "Month", "All")
TREND_PERIODS = {"Last7Days": 7, "Last30Days": 30, "Last90Days": 90}
STATUS_SUMS = {status.value: Coalesce(Sum(status.value), 0) for status in JobStatus}
DURATION_SUMS = {
    "duration_sum": Coalesce(Sum("duration_sum"), 0.0),
    "duration_count": Coalesce(Sum("duration_count"), 0),
    "duration_min": Min("duration_min"),
    "duration_max": Max("duration_max"),
}


def range_start(name: str, now: datetime) -> datetime | None:
    """Today: since midnight UTC; Week and Month: the last 7 and 30 days in whole hours (statistics count
    jobs by the hour they were created in); All: no bound."""
    if name == "Today":
        return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "Week":
        return floor_to(now - timedelta(days=7), HOUR)
    if name == "Month":
        return floor_to(now - timedelta(days=30), HOUR)
    return None


def buckets_in_range(organization_id: int, name: str, now: datetime) -> QuerySet[JobStatsBucket]:
    buckets = JobStatsBucket.objects.filter(organization_id=organization_id)
    start = range_start(name, now)
    return (buckets.filter(hour__gte=start) if start else buckets).order_by()


def _rate(completed: int, failed: int) -> float | None:
    return round(100.0 * completed / (completed + failed), 2) if completed + failed else None


def _with_totals(row: dict[str, Any]) -> dict[str, Any]:
    counts = {status.value: row.get(status.value) or 0 for status in JobStatus}
    return {
        "total": sum(counts.values()),
        **counts,
        "success_rate": _rate(counts[JobStatus.COMPLETED], counts[JobStatus.FAILED]),
    }


def _average(row: dict[str, Any]) -> float | None:
    return round(row["duration_sum"] / row["duration_count"], 3) if row.get("duration_count") else None


def queues_summary(
    organization_id: int, buckets: QuerySet[JobStatsBucket] | None = None
) -> list[dict[str, Any]]:
    """Per queue: totals by status and the success rate (completed / (completed + failed))."""
    if buckets is None:
        buckets = JobStatsBucket.objects.filter(organization_id=organization_id).order_by()
    rows = buckets.values("queue").annotate(**STATUS_SUMS).order_by("queue")
    return [{"name": row["queue"], **_with_totals(row)} for row in rows if any(row[s] for s in STATUS_SUMS)]


def overview(organization_id: int, name: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    buckets = buckets_in_range(organization_id, name, now)
    totals = buckets.aggregate(**STATUS_SUMS, **DURATION_SUMS)
    queues = queues_summary(organization_id, buckets)
    over_time = buckets.values("hour").annotate(**STATUS_SUMS).order_by("hour")
    if name != "Today":
        over_time = buckets.values("day").annotate(**STATUS_SUMS).order_by("day")
    return {
        "range": name,
        "since": range_start(name, now),
        **_with_totals(totals),
        "average_execution_seconds": _average(totals),
        "active_queues": sum(1 for q in queues if q["queued"] or q["in_progress"]),
        "queues_total": len(queues),
        "recurring_tasks": Task.objects.filter(organization_id=organization_id, enabled=True)
        .exclude(schedule_type=ScheduleType.NONE)
        .count(),
        "tasks_over_time": [
            {"at": row.get("hour") or _midnight(row["day"]), **_with_totals(row)} for row in over_time
        ],
        "queues": queues,
    }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def recent_activity(organization_id: int, limit: int = 20) -> list[dict[str, Any]]:
    rows = (
        JobStatusAudit.objects.filter(organization_id=organization_id)
        .select_related("job", "job__task")
        .order_by("-at", "-id")[:limit]
    )
    return [
        {
            "at": row.at,
            "job_id": row.job_id,
            "task_id": row.job.task_id,
            "task_name": row.job.task.name,
            "task_type": row.job.task_type,
            "queue": row.job.queue,
            "old_status": row.old_status or None,
            "new_status": row.new_status,
            "note": row.note,
        }
        for row in rows
    ]


def success_rate_trend(organization_id: int, days: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per day (UTC) of the period, by the day the jobs were created; days without finished jobs
    have a null rate."""
    now = now or timezone.now()
    first = (
        (now - timedelta(days=days - 1)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    )
    rows = (
        JobStatsBucket.objects.filter(organization_id=organization_id, hour__gte=first)
        .order_by()
        .values("day")
        .annotate(completed=Coalesce(Sum("completed"), 0), failed=Coalesce(Sum("failed"), 0))
    )
    by_day = {row["day"]: row for row in rows}
    trend = []
    for offset in range(days):
        day = (first + timedelta(days=offset)).date()
        row = by_day.get(day, {"completed": 0, "failed": 0})
        trend.append(
            {
                "date": day.isoformat(),
                "completed": row["completed"],
                "failed": row["failed"],
                "success_rate": _rate(row["completed"], row["failed"]),
            }
        )
    return trend


def task_types(organization_id: int, name: str, now: datetime | None = None) -> list[dict[str, Any]]:
    buckets = buckets_in_range(organization_id, name, now or timezone.now())
    rows = [
        row for row in buckets.values("task_type").annotate(**STATUS_SUMS) if any(row[s] for s in STATUS_SUMS)
    ]
    total = sum(sum(row[s] for s in STATUS_SUMS) for row in rows)
    result = []
    for row in rows:
        summary = _with_totals(row)
        share = round(100.0 * summary["total"] / total, 2) if total else 0.0
        result.append({"task_type": row["task_type"], **summary, "percentage": share})
    return sorted(result, key=lambda r: (-r["total"], r["task_type"]))


def execution_times(organization_id: int, name: str, now: datetime | None = None) -> list[dict[str, Any]]:
    buckets = buckets_in_range(organization_id, name, now or timezone.now())
    rows = buckets.values("task_type").annotate(**DURATION_SUMS).order_by("task_type")
    return [
        {
            "task_type": row["task_type"],
            "count": row["duration_count"],
            "average_seconds": _average(row),
            "min_seconds": _round(row["duration_min"]),
            "max_seconds": _round(row["duration_max"]),
        }
        for row in rows
        if row["duration_count"]
    ]
