"""Jobs: creating one, and every change of its status (compare-and-swap, an audit row, an event).

The statuses move queued → in_progress → completed | failed | cancelled, or queued → cancelled. A status
only changes through ``_transition``: one ``UPDATE ... WHERE status IN (...)`` that acts only if it changed
the row, so two workers, two runners or a worker and a cancel racing for one job cannot both win.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from jobs.choices import FINISHED_STATUSES, JobStatus, JobTarget, TaskKind, TriggeredBy
from jobs.models import Job, JobStatusAudit, Task
from jobs.services.arguments import arguments_validate, leading_dash_errors
from jobs.services.stats import stats_job_created, stats_job_moved
from monitoring_runner.execution import RunOutcome
from monitoring_site.accounts.principal import Tenant
from monitoring_site.actors import user_of
from monitoring_site.errors import Conflict
from monitoring_site.events import emit
from monitoring_site.task_queue import enqueue

EVENT_FOR_STATUS = {
    JobStatus.IN_PROGRESS: "job.started",
    JobStatus.COMPLETED: "job.completed",
    JobStatus.FAILED: "job.failed",
}


def _transition(
    job: Job, *, to: str, from_status: str, fields: dict[str, Any], note: str, now: datetime
) -> bool:
    """Move ``job`` from ``from_status`` to ``to`` if the row is still in ``from_status`` (whatever this
    in-memory copy says); audit and announce it."""
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, status=from_status).update(status=to, **fields)
        if not changed:
            return False
        old = from_status
        job.status = to
        for name, value in fields.items():
            setattr(job, name, value)
        stats_job_moved(job, old, to, fields.get("duration"))
        JobStatusAudit.objects.create(
            organization_id=job.organization_id,
            job=job,
            old_status=old,
            new_status=to,
            at=now,
            note=note[:500],
        )
        event = EVENT_FOR_STATUS.get(to)  # type: ignore[call-overload]
        if event:
            emit(
                job.organization,
                event,
                {"job": job.payload(), "task": job.task.payload()},
                subject_type="job",
                subject_id=job.pk,
            )
    return True


def job_create(
    *,
    task: Task,
    task_arguments: object = None,
    triggered_by: str = TriggeredBy.USER,
    by: str = "",
    scheduled_for: datetime | None = None,
    attempt: int = 1,
    retry_of: Job | None = None,
    now: datetime | None = None,
) -> Job:
    """A queued job of ``task`` with validated arguments, handed to a worker (local) or left for the runners
    to claim (remote) once the transaction commits."""
    if not task.enabled and triggered_by not in (TriggeredBy.RETRY,):
        raise Conflict("The task is disabled.", code="task_disabled")
    values = arguments_validate(task.arguments, task_arguments)
    if task.kind == TaskKind.SCRIPT:
        leading_dash_errors(task.argv, task.arguments, values)
    now = now or timezone.now()
    with transaction.atomic():
        job = Job.objects.create(
            organization_id=task.organization_id,
            task=task,
            task_type=task.task_type,
            queue=task.queue,
            is_recurring=triggered_by == TriggeredBy.SCHEDULE,
            arguments=values,
            target=task.target,
            runner_label=task.runner_label,
            pinned_runner=task.runner,
            scheduled_for=scheduled_for,
            created_at=now,
            enqueued_at=now if task.target == JobTarget.LOCAL else None,
            triggered_by=triggered_by,
            triggered_by_name=by[:200],
            triggered_by_user=user_of(by),
            attempt=attempt,
            retry_of=retry_of,
        )
        stats_job_created(job)
        JobStatusAudit.objects.create(
            organization_id=task.organization_id,
            job=job,
            new_status=JobStatus.QUEUED,
            at=now,
            note=f"created by {triggered_by}" + (f" ({by})" if by else ""),
        )
        if task.target == JobTarget.LOCAL:
            job_enqueue_on_commit(job.pk)
    return job


def job_create_by_secret(*, task: Task, task_arguments: Any = None) -> Job:
    """A job started with the task's secret key (native ``/jobs/secret/{key}`` and TheEye's
    ``/job/secret/{key}``): recorded as the key's doing, by its prefix."""
    return job_create(
        task=task,
        task_arguments=task_arguments,
        triggered_by=TriggeredBy.SECRET_KEY,
        by=f"secret {task.secret_key_prefix}…",
        now=timezone.now(),
    )


def job_trigger_of(tenant: Tenant) -> dict[str, Any]:
    """Who starts a job, from the request's principal: the ``triggered_by`` and ``by`` arguments of
    ``job_create`` (``by`` alone for ``job_retry``)."""
    if tenant.api_key is not None:
        return {"triggered_by": TriggeredBy.API_KEY, "by": tenant.api_key.name}
    return {"triggered_by": TriggeredBy.USER, "by": tenant.by}


def job_enqueue_on_commit(job_id: int) -> None:
    """Queue the job's run once the transaction commits (a broker that is down leaves it to the sweeper)."""
    transaction.on_commit(lambda: enqueue("jobs.run", job_id), robust=True)


def job_start(*, job: Job, runner: Any = None, now: datetime | None = None) -> bool:
    """queued → in_progress; False when someone else started or cancelled it first."""
    now = now or timezone.now()
    fields: dict[str, Any] = {"started_at": now}
    if runner is not None:
        fields["runner"] = runner
    note = f"claimed by runner {runner.name}" if runner is not None else "started on a platform worker"
    return _transition(
        job, to=JobStatus.IN_PROGRESS, from_status=JobStatus.QUEUED, fields=fields, note=note, now=now
    )


def job_finish(*, job: Job, outcome: RunOutcome, now: datetime | None = None) -> bool:
    """in_progress → completed, failed or cancelled with the outcome; a failure is retried while the task's
    ``retries`` allow."""
    now = now or timezone.now()
    if outcome.cancelled:
        to = JobStatus.CANCELLED
    else:
        to = JobStatus.COMPLETED if outcome.succeeded else JobStatus.FAILED
    started = job.started_at or now
    fields = {
        "completed_at": now,
        "exit_code": outcome.exit_code,
        "log": outcome.log,
        "lastline": outcome.lastline[:1000],
        "signal": outcome.signal,
        "killed": outcome.killed,
        "duration": outcome.duration or round((now - started).total_seconds(), 3),
        "error": outcome.error[:2000],
    }
    note = outcome.error or (f"exit code {outcome.exit_code}" if outcome.exit_code is not None else "")
    with transaction.atomic():
        if not _transition(job, to=to, from_status=JobStatus.IN_PROGRESS, fields=fields, note=note, now=now):
            return False
        if to == JobStatus.FAILED and job.attempt <= job.task.retries:
            _retry(job, triggered_by=TriggeredBy.RETRY, by=f"automatic retry of job {job.pk}", now=now)
    return True


def _retry(job: Job, *, triggered_by: str, by: str, now: datetime) -> Job:
    return job_create(
        task=job.task,
        task_arguments=job.arguments,
        triggered_by=triggered_by,
        by=by,
        attempt=job.attempt + 1,
        retry_of=job,
        now=now,
    )


def job_fail(*, job: Job, error: str, now: datetime | None = None) -> bool:
    """The platform gives up on an in-progress job (its worker or runner was lost)."""
    return job_finish(job=job, outcome=RunOutcome(error=error), now=now)


def job_cancel(*, job: Job, by: str = "", now: datetime | None = None) -> Job:
    """A queued job is cancelled at once and never runs; an in-progress one is asked to stop (its worker or
    runner kills the process and reports it cancelled)."""
    now = now or timezone.now()
    if job.status == JobStatus.QUEUED and _transition(
        job,
        to=JobStatus.CANCELLED,
        from_status=JobStatus.QUEUED,
        fields={"completed_at": now},
        note=f"cancelled by {by}" if by else "cancelled",
        now=now,
    ):
        return job
    if Job.objects.filter(pk=job.pk, status=JobStatus.IN_PROGRESS).update(cancel_requested=True):
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    raise Conflict(f"The job has already {job.status.replace('_', ' ')}.", code="job_already_finished")


def job_retry(*, job: Job, by: str = "", now: datetime | None = None) -> Job:
    """A new job of the same task and arguments with ``attempt + 1``; only for a finished job."""
    if job.status not in FINISHED_STATUSES:
        raise Conflict("Only a finished job can be retried; cancel it first.", code="job_not_finished")
    return _retry(
        job,
        triggered_by=TriggeredBy.RETRY,
        by=by or f"retry of job {job.pk}",
        now=now or timezone.now(),
    )


def job_cancel_requested(job_id: int) -> bool:
    """Whether someone asked for the job to be cancelled (the running worker polls it)."""
    return Job.objects.filter(pk=job_id, cancel_requested=True).exists()


def job_log_progress(job_id: int, text: str) -> None:
    """The output of a running job so far, for its page (the final log replaces it at the finish)."""
    Job.objects.filter(pk=job_id, status=JobStatus.IN_PROGRESS).update(log=text)
