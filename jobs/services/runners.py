"""Remote runners: enrollment tokens, registration, heartbeats, claiming jobs and reporting results."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jobs.choices import JobStatus, JobTarget
from jobs.inputs import RunnerChanges
from jobs.models import EnrollmentToken, Job, Runner
from jobs.services.jobs import job_enqueue_on_commit, job_fail, job_finish, job_log_progress, job_start
from jobs.services.liveness import jobs_gone
from monitoring_runner.execution import RunOutcome
from monitoring_site.accounts.models import Organization
from monitoring_site.actors import user_of
from monitoring_site.errors import Conflict, RuleViolation
from monitoring_site.events import emit
from monitoring_site.results import Created
from monitoring_site.secret_tokens import token_digest, token_new

MAX_LABELS = 20


def enrollment_token_create(
    *, organization: Organization, name: str, by: str = ""
) -> Created[EnrollmentToken]:
    """A token that registers runners; returned raw once."""
    raw, digest, display = token_new(EnrollmentToken.PREFIX)
    token = EnrollmentToken.objects.create(
        organization=organization,
        name=name,
        token_hash=digest,
        display_prefix=display,
        created_by=user_of(by),
    )
    return Created(token, raw)


def enrollment_token_revoke(*, token: EnrollmentToken) -> EnrollmentToken:
    """Revoke the enrollment token: registering with it stops working; runners keep their own tokens."""
    EnrollmentToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def runner_update(*, runner: Runner, changes: RunnerChanges) -> Runner:
    """Rename, relabel, enable or disable a runner, or link the host monitor its heartbeats feed (a monitor
    of the runner's organization)."""
    from monitors.models import Monitor

    data = changes.given()
    if "labels" in data:
        data["labels"] = labels_clean(data["labels"])
    if "locations" in data:
        data["locations"] = probe_locations_clean(data["locations"])
    monitor_id = data.pop("host_monitor_id", runner.host_monitor_id)
    if (
        monitor_id is not None
        and not Monitor.objects.filter(organization_id=runner.organization_id, pk=monitor_id).exists()
    ):
        raise RuleViolation(
            "The runner is invalid.", details={"host_monitor_id": ["No such monitor in this organization."]}
        )
    for name, value in data.items():
        setattr(runner, name, value)
    runner.host_monitor_id = monitor_id
    runner.save()
    return runner


@transaction.atomic
def runner_delete(*, runner: Runner, by: str = "") -> None:
    """Delete a runner. Work pinned to it must not drift to other hosts: its pinned tasks are disabled and
    its queued pinned jobs cancelled; jobs it was running fail."""
    from jobs.models import Task
    from jobs.services.jobs import job_cancel

    Task.objects.filter(runner=runner).update(enabled=False, next_run_at=None)
    for job in Job.objects.filter(pinned_runner=runner, status=JobStatus.QUEUED).select_related("task"):
        job_cancel(job=job, by=by or f"deletion of runner {runner.name}")
    for job in Job.objects.filter(runner=runner, status=JobStatus.IN_PROGRESS).select_related("task"):
        job_fail(job=job, error=f"runner {runner.name} was deleted")
    runner.delete()


def runner_for_token(raw: str) -> Runner | None:
    """The enabled runner whose token is ``raw`` (compared hashed), else None."""
    if not raw.startswith(Runner.PREFIX):
        return None
    return (
        Runner.objects.select_related("organization")
        .filter(token_hash=token_digest(raw), enabled=True)
        .first()
    )


def labels_clean(labels: Any) -> list[str]:
    """The runner labels, checked: a list of up to ``MAX_LABELS`` strings of 1 to 100 characters."""
    if (
        not isinstance(labels, list)
        or len(labels) > MAX_LABELS
        or not all(isinstance(label, str) and 0 < len(label) <= 100 for label in labels)
    ):
        raise RuleViolation(
            "The labels are invalid.",
            details={"labels": [f"Up to {MAX_LABELS} strings of 1-100 characters."]},
        )
    return sorted(set(labels))


def probe_locations_clean(locations: Any) -> list[str]:
    """A probe's locations: names like a monitor's (``local`` is the platform's own checker)."""
    from monitors.services.locations import location_names_errors

    problems = location_names_errors(locations, minimum=0)
    if not problems and "local" in locations:
        problems.append('"local" is the platform\'s own checker; a probe names another location.')
    if problems:
        raise RuleViolation("The locations are invalid.", details={"locations": problems})
    return sorted(set(locations))


def probe_payload(runner: Runner) -> dict[str, Any]:
    """A runner as the probe events (``probe.lost``, ``probe.recovered``) carry it."""
    return {"id": runner.pk, "name": runner.name, "locations": list(runner.locations)}


def _probe_channels(runner: Runner) -> list[int]:
    """The channels of the monitors checked from the probe's locations: whom its loss concerns."""
    from monitors.models import Monitor

    monitors = Monitor.objects.filter(
        organization_id=runner.organization_id, location_states__location__in=runner.locations
    )
    return sorted(set(monitors.values_list("notifications", flat=True)) - {None})


def runner_register(
    *,
    enrollment_token: str,
    name: str,
    labels: Any = (),
    locations: Any = (),
    hostname: str = "",
    version: str = "",
    now: datetime | None = None,
) -> tuple[Runner, str]:
    """Register a runner with an organization's enrollment token; returns it with its own token (once)."""
    enrollment = EnrollmentToken.objects.filter(
        token_hash=token_digest(enrollment_token), revoked_at__isnull=True
    ).first()
    if enrollment is None:
        raise RuleViolation(
            "The enrollment token is invalid or revoked.",
            code="invalid_enrollment_token",
            details={"enrollment_token": ["Create one under Runners (POST /runners/enrollment-tokens)."]},
        )
    raw, digest, display = token_new(Runner.PREFIX)
    now = now or timezone.now()
    runner = Runner.objects.create(
        organization_id=enrollment.organization_id,
        name=name,
        labels=labels_clean(list(labels)),
        locations=probe_locations_clean(list(locations)),
        hostname=hostname[:255],
        version=version[:50],
        token_hash=digest,
        token_prefix=display,
        registered_at=now,
        last_heartbeat_at=now,
    )
    return runner, raw


def runner_heartbeat(
    *,
    runner: Runner,
    version: str | None = None,
    stats: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The runner is alive; stats feed its linked host monitor. Answers with the in-progress jobs it must
    stop (cancel requested)."""
    now = now or timezone.now()
    fields: dict[str, Any] = {"last_heartbeat_at": now, "lost_at": None}
    if version is not None:
        fields["version"] = version[:50]
    recovered = Runner.objects.filter(pk=runner.pk, lost_at__isnull=False).update(**fields)
    if not recovered:
        Runner.objects.filter(pk=runner.pk).update(**fields)
    if recovered and runner.locations:
        emit(
            runner.organization_id,
            "probe.recovered",
            {"probe": probe_payload(runner)},
            subject_type="runner",
            subject_id=runner.pk,
            channel_ids=_probe_channels(runner),
        )
    if stats and runner.host_monitor_id:
        from monitors.services.host_stats import host_stats_record

        host_stats_record(monitor=runner.host_monitor, data=stats, now=now)  # type: ignore[arg-type]
    cancel = Job.objects.filter(runner=runner, status=JobStatus.IN_PROGRESS, cancel_requested=True)
    return {"cancel": list(cancel.values_list("pk", flat=True))}


def _claimable(runner: Runner):
    return Job.objects.filter(
        organization_id=runner.organization_id, status=JobStatus.QUEUED, target=JobTarget.REMOTE
    ).filter(Q(pinned_runner=runner) | Q(pinned_runner__isnull=True, runner_label__in=[*runner.labels, ""]))


def job_claim(*, runner: Runner, now: datetime | None = None) -> Job | None:
    """The oldest job this runner may run, started for it. One runner gets a job once: the row is locked
    with SKIP LOCKED on Postgres and the start is a compare-and-swap everywhere."""
    for _ in range(5):  # another runner may win the candidate; try the next one
        now = now or timezone.now()
        with transaction.atomic():
            job = (
                _claimable(runner)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("task", "organization")
                .order_by("created_at", "id")
                .first()
            )
            if job is None:
                return None
            if job_start(job=job, runner=runner, now=now):
                return job
    return None


def job_report(*, runner: Runner, job: Job, result: dict[str, Any], now: datetime | None = None) -> Job:
    """The runner's outcome for a job it claimed."""
    if job.runner_id != runner.pk or job.status != JobStatus.IN_PROGRESS:
        raise Conflict("This runner is not running this job.", code="job_not_claimed")
    outcome = RunOutcome(
        exit_code=result.get("exit_code"),
        log=result.get("log", ""),
        lastline=result.get("lastline", ""),
        signal=result.get("signal", ""),
        killed=bool(result.get("killed")),
        duration=float(result.get("duration") or 0),
        error=result.get("error", ""),
        cancelled=bool(result.get("cancelled")),
    )
    job_finish(job=job, outcome=outcome, now=now)
    job.refresh_from_db()
    return job


def job_progress_report(*, runner: Runner, job: Job, log: str) -> None:
    """The output so far of a job this runner is running."""
    if job.runner_id != runner.pk or job.status != JobStatus.IN_PROGRESS:
        raise Conflict("This runner is not running this job.", code="job_not_claimed")
    job_log_progress(job.pk, log)


def jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Repair what lost processes left: a silent runner's in-flight jobs fail (and are retried per the
    task); a local job whose worker is gone (no liveness on two sweeps: ``jobs.services.liveness``) fails
    with "node lost"; a local job queued long ago without starting (its message was lost) is handed to a
    worker again."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=settings.JOBS_RUNNER_OFFLINE_SECONDS)
    counts = {"runners_lost": 0, "jobs_failed": 0, "jobs_requeued": 0}
    for runner in Runner.objects.filter(lost_at__isnull=True, last_heartbeat_at__lt=silent_since):
        if Runner.objects.filter(pk=runner.pk, lost_at__isnull=True).update(lost_at=now):
            counts["runners_lost"] += 1
            if runner.locations:  # a probe: its locations leave the quorum after the grace
                emit(
                    runner.organization_id,
                    "probe.lost",
                    {
                        "probe": probe_payload(runner),
                        "last_heartbeat_at": runner.last_heartbeat_at.isoformat(),  # type: ignore[union-attr]
                        "message": f"Probe {runner.name} ({', '.join(runner.locations)}) stopped "
                        "heartbeating.",
                    },
                    subject_type="runner",
                    subject_id=runner.pk,
                    channel_ids=_probe_channels(runner),
                )
    lost = Job.objects.filter(status=JobStatus.IN_PROGRESS, runner__lost_at__isnull=False)
    for job in lost.select_related("task", "organization", "runner"):
        counts["jobs_failed"] += job_fail(
            job=job,
            error=f"runner {job.runner.name if job.runner else job.runner_id} stopped heartbeating",
            now=now,
        )
    running = Job.objects.filter(
        status=JobStatus.IN_PROGRESS,
        target=JobTarget.LOCAL,
        started_at__lt=now - timedelta(seconds=settings.JOBS_LIVENESS_SECONDS),
    )
    gone = jobs_gone(running.values_list("pk", flat=True)[:1000]) or []
    for job in Job.objects.filter(pk__in=gone, status=JobStatus.IN_PROGRESS).select_related(
        "task", "organization"
    ):
        counts["jobs_failed"] += job_fail(job=job, error="node lost: the worker running it is gone", now=now)
    stale = now - timedelta(seconds=settings.JOBS_REENQUEUE_SECONDS)
    for job_id in Job.objects.filter(
        status=JobStatus.QUEUED, target=JobTarget.LOCAL, enqueued_at__lt=stale
    ).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, enqueued_at__lt=stale).update(
                enqueued_at=now
            ):
                job_enqueue_on_commit(job_id)
                counts["jobs_requeued"] += 1
    return counts
