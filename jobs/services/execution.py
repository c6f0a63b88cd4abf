"""Running a job on a platform worker, and what a job asks of whoever runs it (worker or runner)."""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jobs.choices import JobStatus, TaskKind
from jobs.models import Job
from jobs.services.jobs import job_cancel_requested, job_finish, job_log_progress, job_start
from jobs.services.liveness import job_alive_clear, job_alive_mark
from monitoring_runner.execution import RunOutcome, argv_build, http_outcome, spec_run, substitute
from monitoring_site import outbound_http

logger = logging.getLogger(__name__)


def job_spec(job: Job) -> dict[str, Any]:
    """Everything needed to run the job, arguments already substituted: what a runner's claim receives."""
    task = job.task
    spec: dict[str, Any] = {
        "id": job.pk,
        "task": {"id": task.pk, "name": task.name, "kind": task.kind},
        "kind": task.kind,
        "arguments": job.arguments,
        "timeout": task.timeout,
        "max_output_bytes": task.max_output_bytes,
        "attempt": job.attempt,
    }
    if task.kind == TaskKind.SCRIPT:
        spec["argv"] = argv_build(task.executable, task.argv, job.arguments)
        spec["environment"] = task.environment
    elif task.kind == TaskKind.HTTP:
        spec["http"] = {
            "url": substitute(task.url, job.arguments, url=True),
            "method": task.method,
            "headers": {k: substitute(str(v), job.arguments) for k, v in task.headers.items()},
            "body": substitute(task.body, job.arguments),
        }
    return spec


def http_call_policed(
    *, url: str, method: str, headers: dict[str, str], body: str, timeout: float, max_output: int
) -> RunOutcome:
    """An HTTP job's request from a platform worker: through ``monitoring_site.outbound_http``, so the
    private-address policy holds when the socket connects (a runner on a user's host uses its own network
    instead)."""
    result = outbound_http.request(
        method,
        url,
        content=body.encode() if body else None,
        headers=headers,
        max_bytes=max_output,
        timeout=timeout,
    )
    return http_outcome(
        status=result.status_code,
        reason=result.reason,
        body=result.body,
        duration=result.duration_ms / 1000,
        error=result.error or "",
    )


def job_run_local(*, job_id: int) -> str:
    """Start the job (compare-and-swap: a redelivered message finds it started and does nothing), run it,
    record the outcome. Returns what happened, for the worker's log."""
    job = Job.objects.select_related("task", "organization").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return "skipped"
    if job.task.kind == TaskKind.NOOP:  # nothing runs: start and finish commit together
        with transaction.atomic():
            if not job_start(job=job):
                return "skipped"
            job_finish(job=job, outcome=spec_run(job_spec(job), allowed=[]), now=timezone.now())
        return job.status
    if not job_start(job=job):
        return "skipped"
    job_alive_mark(job_id)
    try:
        outcome = spec_run(
            job_spec(job),
            allowed=settings.JOBS_ALLOWED_EXECUTABLES,
            should_cancel=lambda: _watch(job_id),
            on_output=lambda text: _progress(job_id, text),
            http=http_call_policed,
        )
    except Exception as exc:  # the job fails, not the worker
        logger.exception("job %s crashed", job_id)
        outcome = RunOutcome(error=f"{type(exc).__name__}: {exc}")
    _record(job, outcome, finished_at=timezone.now())
    job_alive_clear(job_id)
    return job.status


def _fresh_connection() -> None:
    """After a database error the connection may be dead (a restart, a failover): the next query opens
    another one (from the pool, which checks it first)."""
    with contextlib.suppress(DatabaseError):
        connection.close()


def _watch(job_id: int) -> bool:
    """Each poll of a running job: the worker is alive (Redis), and has the job been cancelled? A database
    that does not answer is not a cancel: the job runs on."""
    job_alive_mark(job_id)
    try:
        return job_cancel_requested(job_id)
    except DatabaseError as exc:
        logger.warning("job %s: cancel not checked (%s)", job_id, exc)
        _fresh_connection()
        return False


def _progress(job_id: int, text: str) -> None:
    """The output so far, for the job's page. Missing a write costs nothing: the next one carries all of
    it, and the final record has the whole log."""
    try:
        job_log_progress(job_id, text)
    except DatabaseError as exc:
        logger.warning("job %s: progress not recorded (%s)", job_id, exc)
        _fresh_connection()


def _record(job: Job, outcome: RunOutcome, *, finished_at: datetime) -> None:
    """Record the outcome, retrying while the database is away (the process has ended; its exit code and
    output are kept here meanwhile, and the job shows as running, its liveness kept up, until then)."""
    deadline = time.monotonic() + settings.JOBS_RESULT_RETRY_SECONDS
    while True:
        try:
            job_finish(job=job, outcome=outcome, now=finished_at)
            return
        except DatabaseError as exc:
            if time.monotonic() >= deadline:
                raise
            logger.warning("job %s finished; its result waits for the database (%s)", job.pk, exc)
            job_alive_mark(job.pk)
            _fresh_connection()
            time.sleep(2)
