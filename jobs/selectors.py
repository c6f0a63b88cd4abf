"""Reads of the jobs domain: queue totals and the dashboard statistics. Every figure is an aggregate the
database computes over the job table's indexes (organization first, then status, queue, type or time);
nothing loops over job rows in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from jobs.choices import JobStatus, ScheduleType
from jobs.models import Job, JobStatusAudit, Task

RANGES = ("Today", "Week", "Month", "All")
TREND_PERIODS = {"Last7Days": 7, "Last30Days": 30, "Last90Days": 90}
STATUS_COUNTS = {status.value: Count("id", filter=Q(status=status)) for status in JobStatus}


def range_start(name: str, now: datetime) -> datetime | None:
    """Today: since midnight UTC; Week and Month: the last 7 and 30 days; All: no bound."""
    if name == "Today":
        return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "Week":
        return now - timedelta(days=7)
    if name == "Month":
        return now - timedelta(days=30)
    return None


def jobs_in_range(organization_id: int, name: str, now: datetime) -> QuerySet[Job]:
    jobs = Job.objects.filter(organization_id=organization_id)
    start = range_start(name, now)
    return jobs.filter(created_at__gte=start) if start else jobs


def _rate(completed: int, failed: int) -> float | None:
    return round(100.0 * completed / (completed + failed), 2) if completed + failed else None


def _with_totals(row: dict[str, Any]) -> dict[str, Any]:
    counts = {status.value: row.get(status.value) or 0 for status in JobStatus}
    return {
        "total": sum(counts.values()),
        **counts,
        "success_rate": _rate(counts[JobStatus.COMPLETED], counts[JobStatus.FAILED]),
    }


def queues_summary(organization_id: int, jobs: QuerySet[Job] | None = None) -> list[dict[str, Any]]:
    """Per queue: totals by status and the success rate (completed / (completed + failed))."""
    jobs = jobs if jobs is not None else Job.objects.filter(organization_id=organization_id)
    rows = jobs.order_by().values("queue").annotate(**STATUS_COUNTS).order_by("queue")
    return [{"name": row["queue"], **_with_totals(row)} for row in rows]


def overview(organization_id: int, name: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    jobs = jobs_in_range(organization_id, name, now)
    totals = jobs.order_by().aggregate(**STATUS_COUNTS, avg_duration=Avg("duration"))
    queues = queues_summary(organization_id, jobs)
    bucket = TruncHour if name == "Today" else TruncDay
    over_time = (
        jobs.order_by()
        .annotate(bucket=bucket("created_at", tzinfo=UTC))
        .values("bucket")
        .annotate(**STATUS_COUNTS)
        .order_by("bucket")
    )
    return {
        "range": name,
        "since": range_start(name, now),
        **_with_totals(totals),
        "average_execution_seconds": _round(totals["avg_duration"]),
        "active_queues": sum(1 for q in queues if q["queued"] or q["in_progress"]),
        "queues_total": len(queues),
        "recurring_tasks": Task.objects.filter(organization_id=organization_id, enabled=True)
        .exclude(schedule_type=ScheduleType.NONE)
        .count(),
        "tasks_over_time": [{"at": row["bucket"], **_with_totals(row)} for row in over_time],
        "queues": queues,
    }


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
    """One row per day (UTC) of the period, days without finished jobs included with a null rate."""
    now = now or timezone.now()
    first = (
        (now - timedelta(days=days - 1)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    )
    rows = (
        Job.objects.filter(organization_id=organization_id, completed_at__gte=first)
        .order_by()
        .annotate(day=TruncDay("completed_at", tzinfo=UTC))
        .values("day")
        .annotate(
            completed=Count("id", filter=Q(status=JobStatus.COMPLETED)),
            failed=Count("id", filter=Q(status=JobStatus.FAILED)),
        )
    )
    by_day = {row["day"].date(): row for row in rows}
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
    jobs = jobs_in_range(organization_id, name, now or timezone.now())
    rows = jobs.order_by().values("task_type").annotate(**STATUS_COUNTS).order_by("task_type")
    total = sum(sum(row[s.value] for s in JobStatus) for row in rows)
    result = []
    for row in rows:
        summary = _with_totals(row)
        share = round(100.0 * summary["total"] / total, 2) if total else 0.0
        result.append({"task_type": row["task_type"], **summary, "percentage": share})
    return sorted(result, key=lambda r: -r["total"])


def execution_times(organization_id: int, name: str, now: datetime | None = None) -> list[dict[str, Any]]:
    jobs = jobs_in_range(organization_id, name, now or timezone.now()).filter(duration__isnull=False)
    rows = (
        jobs.order_by()
        .values("task_type")
        .annotate(count=Count("id"), avg=Avg("duration"), min=Min("duration"), max=Max("duration"))
        .order_by("task_type")
    )
    return [
        {
            "task_type": row["task_type"],
            "count": row["count"],
            "average_seconds": _round(row["avg"]),
            "min_seconds": _round(row["min"]),
            "max_seconds": _round(row["max"]),
        }
        for row in rows
    ]
