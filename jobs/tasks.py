"""Thin Celery tasks of the jobs domain."""

from __future__ import annotations

from celery import shared_task

from jobs.services.execution import job_run_local
from jobs.services.runners import jobs_sweep
from jobs.services.schedules import tasks_dispatch_due
from jobs.services.stats import stats_compact


@shared_task(name="jobs.run")
def job_run_task(job_id: int) -> str:
    """Run one local job (on the ``jobs`` queue, served by its own worker so long jobs never delay checks
    or notifications)."""
    return job_run_local(job_id=job_id)


@shared_task(name="jobs.dispatch_due")
def tasks_dispatch_due_task() -> int:
    """Beat, every 5 seconds: create the jobs of due recurring tasks."""
    return tasks_dispatch_due()


@shared_task(name="jobs.sweep")
def jobs_sweep_task() -> dict[str, int]:
    """Beat, every 15 seconds: fail the jobs of lost runners and workers, re-send lost messages."""
    return jobs_sweep()


@shared_task(name="jobs.stats_compact")
def stats_compact_task() -> int:
    """Beat, every 10 minutes: fold the statistics shards of ended hours into one row per key."""
    return stats_compact()
