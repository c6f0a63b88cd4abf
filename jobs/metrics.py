"""The jobs' metrics in the registry, so alert rules and ``GET /metrics`` read them like any other.

Scopes: ``task_id``, ``task_type`` and ``queue``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from jobs.choices import JobStatus
from jobs.models import Job
from monitoring_site.metrics.registry import MetricDefinition, register

SCOPES = ("task_id", "task_type", "queue")


def _finished(organization_id: int, start: datetime, end: datetime, scope: dict[str, Any]):
    jobs = Job.objects.filter(
        organization_id=organization_id,
        completed_at__gte=start,
        completed_at__lt=end,
        status__in=(JobStatus.COMPLETED, JobStatus.FAILED),
    )
    for name in SCOPES:
        if scope.get(name) not in (None, ""):
            jobs = jobs.filter(**{name: scope[name]})
    return jobs


def duration_points(organization_id, start, end, scope):
    rows = _finished(organization_id, start, end, scope).filter(duration__isnull=False)
    return rows.values_list("completed_at", "duration")


def success_points(organization_id, start, end, scope):
    """Each finished job as 100 (completed) or 0 (failed): the average over a window is the success rate."""
    rows = _finished(organization_id, start, end, scope).values_list("completed_at", "status")
    return [(at, 100.0 if status == JobStatus.COMPLETED else 0.0) for at, status in rows]


def queue_depth_points(organization_id, start, end, scope):
    """The number of queued jobs now (a gauge: one point, stamped now, when now is in the window)."""
    now = timezone.now()
    if not start <= now < end:
        return []
    jobs = Job.objects.filter(organization_id=organization_id, status=JobStatus.QUEUED)
    for name in SCOPES:
        if scope.get(name) not in (None, ""):
            jobs = jobs.filter(**{name: scope[name]})
    return [(now, float(jobs.count()))]


def register_job_metrics() -> None:
    register(
        MetricDefinition(
            "job_duration_seconds", "s", "Duration of each finished job.", "jobs", duration_points, SCOPES
        )
    )
    register(
        MetricDefinition(
            "job_success_rate",
            "%",
            "Share of finished jobs that completed (100) rather than failed (0).",
            "jobs",
            success_points,
            SCOPES,
        )
    )
    register(
        MetricDefinition(
            "job_queue_depth", "jobs", "Jobs waiting in the queue now.", "jobs", queue_depth_points, SCOPES
        )
    )
