"""Reads of jobs and tasks by organization: what the compatibility surfaces (TheEye, EverTask) look rows
up with."""

from __future__ import annotations

from django.db.models import QuerySet

from jobs.models import Job, Task


def jobs_of(organization_id: int) -> QuerySet[Job]:
    """The organization's jobs, with what a job's representation reads (task, organization, user)."""
    return Job.objects.filter(organization_id=organization_id).select_related(
        "task", "organization", "triggered_by_user"
    )


def job_of(organization_id: int, ref: str | int) -> Job | None:
    """The organization's job by id (a number, or its digits); None for another organization's or none."""
    text = str(ref)
    return jobs_of(organization_id).filter(pk=int(text)).first() if text.isdigit() else None


def schedule_runs(job: Job, limit: int = 100) -> list[Job]:
    """The started runs of a recurring job's schedule (its task's scheduled jobs), the latest ``limit``,
    oldest first."""
    runs = Job.objects.filter(task_id=job.task_id, is_recurring=True, started_at__isnull=False)
    return list(runs.order_by("-started_at", "-id")[:limit])[::-1]


def task_of(organization_id: int, ref: str | int) -> Task | None:
    """The organization's task by id; None for another organization's or none."""
    text = str(ref)
    return (
        Task.objects.filter(organization_id=organization_id, pk=int(text)).first() if text.isdigit() else None
    )
