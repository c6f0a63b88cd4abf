"""Keeping ``JobStatsBucket`` in step with the jobs: called inside the transaction that creates a job or
changes its status, so a rolled-back change leaves the counts untouched."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncHour

from jobs.choices import JobStatus
from jobs.models import Job, JobStatsBucket
from monitoring_site.time_buckets import HOUR, floor_to

STATUS_FIELDS = [status.value for status in JobStatus]


SHARDS = 8  # rows per bucket key, so concurrent job changes rarely wait on one another's row lock


def _upsert(
    organization_id: int,
    created_at: datetime,
    queue: str,
    task_type: str,
    counts: dict[str, int],
    duration_sum: float = 0.0,
    duration_count: int = 0,
    duration: float | None = None,
    shard: int | None = None,
) -> None:
    """Add ``counts`` (and durations) to one shard of the bucket: one ``INSERT ... ON CONFLICT DO UPDATE``,
    safe under concurrency on Postgres and SQLite. Reads sum the shards."""
    table = connection.ops.quote_name(JobStatsBucket._meta.db_table)
    columns = [
        "organization_id",
        "hour",
        "day",
        "queue",
        "task_type",
        "shard",
        *STATUS_FIELDS,
        "duration_sum",
        "duration_count",
        "duration_min",
        "duration_max",
    ]
    added = [*STATUS_FIELDS, "duration_sum", "duration_count"]
    assignments = [f"{c} = {table}.{c} + excluded.{c}" for c in added]
    for column, better in (("duration_min", "<"), ("duration_max", ">")):
        current, offered = f"{table}.{column}", f"excluded.{column}"
        assignments.append(
            f"{column} = CASE WHEN {current} IS NULL OR {offered} {better} {current} "
            f"THEN {offered} ELSE {current} END"
        )
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT (organization_id, hour, queue, task_type, shard) DO UPDATE SET {', '.join(assignments)}"
    )
    hour = floor_to(created_at, HOUR)  # the statistics bucket
    params = [
        organization_id,
        hour if connection.vendor == "postgresql" else _sqlite_time(hour),
        hour.astimezone(UTC).date(),
        queue,
        task_type,
        _thread_shard() if shard is None else shard,
        *(counts.get(status, 0) for status in STATUS_FIELDS),
        duration_sum,
        duration_count,
        duration,
        duration,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _thread_shard() -> int:
    """The shard of this process and thread. A transaction runs on one thread, so all its changes to a
    bucket land on one row: two transactions never lock two shards of a key in opposite orders (which
    random shards did, deadlocking), while different workers and threads still spread over the shards."""
    return hash((os.getpid(), threading.get_ident())) % SHARDS


def _sqlite_time(at: datetime) -> str:
    return connection.ops.adapt_datetimefield_value(at)  # type: ignore[return-value]


def stats_job_created(job: Job) -> None:
    """+1 queued in the job's bucket."""
    _upsert(job.organization_id, job.created_at, job.queue, job.task_type, {JobStatus.QUEUED: 1})


def stats_job_moved(job: Job, old: str, new: str, duration: float | None) -> None:
    """Move one job from ``old`` to ``new`` in its bucket; a finished job adds its duration."""
    finished = duration is not None and new in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)
    _upsert(
        job.organization_id,
        job.created_at,
        job.queue,
        job.task_type,
        {old: -1, new: 1},
        duration_sum=float(duration) if finished else 0.0,  # type: ignore[arg-type]
        duration_count=1 if finished else 0,
        duration=float(duration) if finished else None,  # type: ignore[arg-type]
    )


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
        Job.objects.filter(task_id=task_id).order_by().annotate(bucket=TruncHour("created_at"))
        .values("organization_id", "bucket", "queue", "task_type")
        .annotate(**{s: Count("id", filter=Q(status=s)) for s in STATUS_FIELDS},
                  duration_sum=Coalesce(Sum("duration"), 0.0), duration_count=Count("duration"))
    )  # fmt: skip
    for row in rows:
        _upsert(
            row["organization_id"],
            row["bucket"],
            row["queue"],
            row["task_type"],
            {s: -row[s] for s in STATUS_FIELDS},
            duration_sum=-row["duration_sum"],
            duration_count=-row["duration_count"],
            shard=0,
        )


COMPACT_BATCH = 5000


def stats_compact(*, now: datetime | None = None) -> int:
    """Fold the shards of hours that have ended into shard 0, so old hours cost one row per key. The
    shard rows are locked while they are folded: a job change racing for one waits, then adds to a fresh
    row, which the next run folds in. Returns the number of shard rows folded."""
    before = floor_to(now or datetime.now(UTC), HOUR)
    folded = 0
    while True:
        with transaction.atomic():
            rows = list(
                JobStatsBucket.objects.select_for_update()
                .filter(hour__lt=before, shard__gt=0)
                .order_by("pk")[:COMPACT_BATCH]
            )
            if not rows:
                return folded
            for row in rows:
                _upsert(
                    row.organization_id,
                    row.hour,
                    row.queue,
                    row.task_type,
                    {s: getattr(row, s) for s in STATUS_FIELDS},
                    duration_sum=row.duration_sum,
                    duration_count=row.duration_count,
                    duration=row.duration_min,
                    shard=0,
                )
                if row.duration_max is not None:
                    _upsert(
                        row.organization_id,
                        row.hour,
                        row.queue,
                        row.task_type,
                        {},
                        duration=row.duration_max,
                        shard=0,
                    )
            JobStatsBucket.objects.filter(pk__in=[row.pk for row in rows]).delete()
            folded += len(rows)
