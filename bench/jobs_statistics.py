"""The jobs statistics endpoints over a large job table: ``--jobs`` rows (default 1,000,000) for one
organization, spread over 90 days, 8 task types, 5 queues and every status, plus rows of another
organization; then each statistics endpoint is called through the full API stack (authentication,
tenant, envelope) and timed. Prints one JSON line: per endpoint the median and worst of ``--repeat`` calls
after a warm-up, in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/jobs_statistics.py
    .venv/bin/python bench/jobs_statistics.py --jobs 200000          # embedded SQLite

Runs in a database of its own (a fresh Postgres database, or a temporary SQLite file), dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from in_process import fresh_django, read_client, time_endpoints

from jobs.inputs import NewTask

ENDPOINTS = [
    "/api/v1/jobs/dashboard/overview?range=Today",
    "/api/v1/jobs/dashboard/overview?range=Week",
    "/api/v1/jobs/dashboard/overview?range=Month",
    "/api/v1/jobs/dashboard/overview?range=All",
    "/api/v1/jobs/dashboard/recent-activity?limit=50",
    "/api/v1/jobs/statistics/success-rate-trend?period=Last90Days",
    "/api/v1/jobs/statistics/task-types?range=All",
    "/api/v1/jobs/statistics/execution-times?range=All",
    "/api/v1/queues",
    "/api/v1/jobs?status=failed&queue_name=q1&sort=created_at:desc",
]


def fill(count: int) -> tuple[object, object]:
    """Rows written with COPY (Postgres) or executemany (SQLite), as a year of real use would leave them."""
    import random
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from jobs.models import Job, JobStatusAudit
    from jobs.services.tasks import task_create
    from monitoring_site.accounts.models import Organization

    org = Organization.objects.create(name="Bench", slug="bench")
    other = Organization.objects.create(name="Other", slug="other")
    tasks = [
        task_create(organization=org, new=NewTask(name=f"t{i}", task_type=f"type{i % 8}", queue=f"q{i % 5}"))[
            0
        ]
        for i in range(40)
    ]
    other_task = task_create(organization=other, new=NewTask(name="o"))[0]
    now = timezone.now()
    rng = random.Random(7)
    statuses = ["completed"] * 85 + ["failed"] * 10 + ["cancelled"] * 2 + ["queued"] * 2 + ["in_progress"]
    columns = [
        "organization_id",
        "task_id",
        "task_type",
        "queue",
        "is_recurring",
        "arguments",
        "status",
        "target",
        "runner_label",
        "created_at",
        "started_at",
        "completed_at",
        "duration",
        "exit_code",
        "log",
        "lastline",
        "signal",
        "killed",
        "error",
        "cancel_requested",
        "triggered_by",
        "triggered_by_name",
        "attempt",
    ]

    def rows(n: int, organization, task_list):
        for _ in range(n):
            task = rng.choice(task_list)
            created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
            status = rng.choice(statuses)
            finished = status in ("completed", "failed", "cancelled")
            duration = round(rng.lognormvariate(0, 1), 3) if finished else None
            yield (
                organization.pk,
                task.pk,
                task.task_type,
                task.queue,
                False,
                "{}",
                status,
                "local",
                "",
                created,
                created if status != "queued" else None,
                created + timedelta(seconds=duration or 0) if finished else None,
                duration,
                0 if status == "completed" else 1 if finished else None,
                "",
                "",
                "",
                False,
                "",
                False,
                "user",
                "",
                1,
            )

    table = Job._meta.db_table
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        for organization, task_list, n in ((org, tasks, count), (other, [other_task], count // 10)):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows(n, organization, task_list):
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                batch = []
                for row in rows(n, organization, task_list):
                    batch.append(row)
                    if len(batch) == 20000:
                        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
                        batch = []
                if batch:
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
        # the status audit of the latest 10,000 jobs, for recent activity
        latest = (
            Job.objects.filter(organization=org)
            .order_by("-created_at")
            .values_list("pk", "created_at")[:10000]
        )
        JobStatusAudit.objects.bulk_create(
            [JobStatusAudit(organization=org, job_id=pk, new_status="queued", at=at) for pk, at in latest],
            batch_size=5000,
        )
    from jobs.services.stats import stats_rebuild

    stats_rebuild()  # the rows were written below the services, so the buckets are computed once here
    # Live use: the current and previous hour have every shard (jobs changed by 8+ worker threads); older
    # hours were folded to one row per key by the compaction task (jobs.stats_compact, every 10 minutes).
    from datetime import timedelta as td

    from django.utils import timezone as tz

    from jobs.models import JobStatsBucket
    from jobs.services.stats import SHARDS
    from monitoring_site.time_buckets import HOUR, floor_to

    recent = JobStatsBucket.objects.filter(hour__gte=floor_to(tz.now(), HOUR) - td(hours=1))
    extra = [
        JobStatsBucket(
            organization_id=b.organization_id,
            hour=b.hour,
            day=b.day,
            queue=b.queue,
            task_type=b.task_type,
            shard=shard,
        )
        for b in recent
        for shard in range(1, SHARDS)
    ]
    JobStatsBucket.objects.bulk_create(extra, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org, other


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with fresh_django("jobstats"):
        started = time.perf_counter()
        org, _other = fill(args.jobs)
        filled_s = time.perf_counter() - started
        client = read_client(org)
        timings = time_endpoints(client, ENDPOINTS, args.repeat)
        from django.db import connection

        from jobs.models import JobStatsBucket

        print(
            json.dumps(
                {
                    "mode": connection.vendor,
                    "jobs": args.jobs,
                    "fill_seconds": round(filled_s, 1),
                    "bucket_rows": JobStatsBucket.objects.count(),
                    "worst_median_ms": max(t["median_ms"] for t in timings.values()),
                    "endpoints": timings,
                }
            )
        )


if __name__ == "__main__":
    main()
