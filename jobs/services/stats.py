"""Keeping ``JobStatsBucket`` in step with the jobs: called inside the transaction that creates a job or
changes its status, so a rolled-back change leaves the counts untouched."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncHour

from jobs.choices import JobStatus
from jobs.models import Job, JobStatsBucket

STATUS_FIELDS = [status.value for status in JobStatus]


def bucket_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def stats_job_created(job: Job) -> None:
    """+1 queued in the job's bucket (created if needed: an upsert, safe under concurrency)."""
    table = connection.ops.quote_name(JobStatsBucket._meta.db_table)
    sql = (
        f"INSERT INTO {table} (organization_id, hour, day, queue, task_type, queued, in_progress, "  # noqa: S608
        "completed, failed, cancelled, duration_sum, duration_count) "
        "VALUES (%s, %s, %s, %s, %s, 1, 0, 0, 0, 0, 0, 0) "
        f"ON CONFLICT (organization_id, hour, queue, task_type) DO UPDATE SET queued = {table}.queued + 1"
    )
    hour = bucket_hour(job.created_at)
    params = [
        job.organization_id,
        hour if connection.vendor == "postgresql" else _sqlite_time(hour),
        hour.astimezone(UTC).date(),
        job.queue,
        job.task_type,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sqlite_time(at: datetime) -> str:
    return connection.ops.adapt_datetimefield_value(at)  # type: ignore[return-value]


def stats_job_moved(job: Job, old: str, new: str, duration: float | None) -> None:
    """Move one job from ``old`` to ``new`` in its bucket; a finished job adds its duration."""
    changes: dict = {old: F(old) - 1, new: F(new) + 1}
    if duration is not None and new in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED):
        value = Value(float(duration), output_field=FloatField())
        changes.update(
            duration_sum=F("duration_sum") + value,
            duration_count=F("duration_count") + 1,
            duration_min=Least(Coalesce(F("duration_min"), value), value),
            duration_max=Greatest(Coalesce(F("duration_max"), value), value),
        )
    JobStatsBucket.objects.filter(
        organization_id=job.organization_id,
        hour=bucket_hour(job.created_at),
        queue=job.queue,
        task_type=job.task_type,
    ).update(**changes)


def stats_rebuild(*, organization_id: int | None = None) -> int:
    """Recompute the buckets from the job table (repair, or after rows were written below the services).
    Returns the number of buckets written."""
    jobs = (
        Job.objects.all() if organization_id is None else Job.objects.filter(organization_id=organization_id)
    )
    rows = (
        jobs.order_by()
        .annotate(bucket=TruncHour("created_at"))
        .values("organization_id", "bucket", "queue", "task_type")
        .annotate(
            **{s: Count("id", filter=Q(status=s)) for s in STATUS_FIELDS},
            duration_sum=Coalesce(Sum("duration"), 0.0),
            duration_count=Count("duration"),
            duration_min=Min("duration"),
            duration_max=Max("duration"),
        )
    )
    buckets = [
        JobStatsBucket(
            organization_id=r["organization_id"],
            hour=r["bucket"],
            day=r["bucket"].astimezone(UTC).date(),
            queue=r["queue"],
            task_type=r["task_type"],
            **{
                k: r[k]
                for k in (*STATUS_FIELDS, "duration_sum", "duration_count", "duration_min", "duration_max")
            },
        )
        for r in rows
    ]
    with transaction.atomic():
        stale = JobStatsBucket.objects.all()
        if organization_id is not None:
            stale = stale.filter(organization_id=organization_id)
        stale.delete()
        JobStatsBucket.objects.bulk_create(buckets, batch_size=2000)
    return len(buckets)


def stats_forget_task(task_id: int) -> None:
    """Take a task's jobs out of the counts before the task (and its jobs) are deleted. Minimum and
    maximum durations cannot be taken back; they stay as they were."""
    rows = (
        Job.objects.filter(task_id=task_id)
        .order_by()
        .annotate(bucket=TruncHour("created_at"))
        .values("organization_id", "bucket", "queue", "task_type")
        .annotate(
            **{s: Count("id", filter=Q(status=s)) for s in STATUS_FIELDS},
            duration_sum=Coalesce(Sum("duration"), 0.0),
            duration_count=Count("duration"),
        )
    )
    for row in rows:
        JobStatsBucket.objects.filter(
            organization_id=row["organization_id"],
            hour=row["bucket"],
            queue=row["queue"],
            task_type=row["task_type"],
        ).update(**{name: F(name) - row[name] for name in (*STATUS_FIELDS, "duration_sum", "duration_count")})
