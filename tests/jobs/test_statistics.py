"""The jobs statistics against known data: overview per range, recent activity, success-rate trend,
task-type distribution, execution times; and the jobs' metrics in the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from jobs import selectors
from jobs.models import Job, JobStatsBucket
from jobs.services.execution import job_run_local
from jobs.services.jobs import job_cancel, job_create, job_retry
from jobs.services.stats import stats_rebuild
from jobs.services.tasks import task_delete
from monitoring_site.metrics.registry import registered
from tests.conftest import assert_error, data_of
from tests.jobs.factories import make_task

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def row(task, status, created, duration=None, queue=None, task_type=None):
    finished = status in ("completed", "failed", "cancelled")
    return Job(
        organization_id=task.organization_id,
        task=task,
        task_type=task_type or task.task_type,
        queue=queue or task.queue,
        status=status,
        created_at=created,
        started_at=created if finished else None,
        completed_at=created + timedelta(seconds=duration or 0) if finished else None,
        duration=duration,
    )


@pytest.fixture
def known(acme, umbrella):
    backup = make_task(acme, "backup", task_type="backup", queue="ops")
    report = make_task(
        acme, "report", task_type="report", queue="default", schedule_type="interval", interval_seconds=60
    )
    Job.objects.bulk_create(
        [
            row(backup, "completed", NOW - timedelta(hours=1), 10),
            row(backup, "completed", NOW - timedelta(hours=2), 20),
            row(backup, "failed", NOW - timedelta(hours=3), 30),
            row(report, "completed", NOW - timedelta(days=2), 2),
            row(report, "queued", NOW - timedelta(minutes=5)),
            row(report, "cancelled", NOW - timedelta(days=40)),
        ]
    )
    Job.objects.bulk_create([row(make_task(umbrella, "theirs"), "failed", NOW - timedelta(hours=1), 99)])
    stats_rebuild()  # the rows were written below the services
    return acme


def test_overview_ranges(known):
    today = selectors.overview(known.pk, "Today", now=NOW)
    assert (today["total"], today["completed"], today["failed"], today["queued"]) == (4, 2, 1, 1)
    assert today["success_rate"] == pytest.approx(66.67)
    assert today["average_execution_seconds"] == pytest.approx(20.0)
    assert today["active_queues"] == 1 and today["recurring_tasks"] == 1
    assert sum(b["total"] for b in today["tasks_over_time"]) == 4
    assert {q["name"]: q["total"] for q in today["queues"]} == {"ops": 3, "default": 1}
    week = selectors.overview(known.pk, "Week", now=NOW)
    assert week["total"] == 5 and week["success_rate"] == 75.0
    everything = selectors.overview(known.pk, "All", now=NOW)
    assert everything["total"] == 6 and everything["cancelled"] == 1


def test_trend_types_and_execution_times(known):
    trend = selectors.success_rate_trend(known.pk, 7, now=NOW)
    assert len(trend) == 7 and trend[-1]["date"] == "2026-03-07"
    assert (trend[-1]["completed"], trend[-1]["failed"], trend[-1]["success_rate"]) == (
        2,
        1,
        pytest.approx(66.67),
    )
    assert trend[-3]["completed"] == 1 and trend[0]["success_rate"] is None
    types = {t["task_type"]: t for t in selectors.task_types(known.pk, "All", now=NOW)}
    assert types["backup"]["total"] == 3 and types["report"]["total"] == 3
    assert types["backup"]["percentage"] == 50.0
    times = {t["task_type"]: t for t in selectors.execution_times(known.pk, "All", now=NOW)}
    assert times["backup"] == {
        "task_type": "backup",
        "count": 3,
        "average_seconds": 20.0,
        "min_seconds": 10.0,
        "max_seconds": 30.0,
    }


def test_statistics_endpoints(member_client, known):
    overview = data_of(member_client.get("/api/v1/jobs/dashboard/overview?range=All"))["overview"]
    assert overview["total"] == 6
    assert_error(member_client.get("/api/v1/jobs/dashboard/overview?range=Year"), 400, "validation_error")
    trend = data_of(member_client.get("/api/v1/jobs/statistics/success-rate-trend?period=Last30Days"))
    assert len(trend["trend"]) == 30
    assert_error(
        member_client.get("/api/v1/jobs/statistics/success-rate-trend?period=Last1Days"),
        400,
        "validation_error",
    )
    types = data_of(member_client.get("/api/v1/jobs/statistics/task-types?range=All"))["task_types"]
    assert {t["task_type"] for t in types} == {"backup", "report"}
    times = data_of(member_client.get("/api/v1/jobs/statistics/execution-times"))["execution_times"]
    assert {t["task_type"] for t in times} == {"backup", "report"}


def test_recent_activity(member_client, acme):
    task = make_task(acme)
    job = job_create(task=task)
    from jobs.services.jobs import job_cancel

    job_cancel(job=job)
    activity = data_of(member_client.get("/api/v1/jobs/dashboard/recent-activity?limit=5"))["activity"]
    assert [(a["job_id"], a["new_status"]) for a in activity] == [(job.pk, "cancelled"), (job.pk, "queued")]
    assert_error(member_client.get("/api/v1/jobs/dashboard/recent-activity?limit=0"), 400, "validation_error")


def test_job_metrics_are_registered(known):
    start, end = NOW - timedelta(days=1), NOW
    durations = sorted(v for _, v in registered("job_duration_seconds").points(known.pk, start, end, {}))
    assert durations == [10.0, 20.0, 30.0]
    success = [v for _, v in registered("job_success_rate").points(known.pk, start, end, {"queue": "ops"})]
    assert sorted(success) == [0.0, 100.0, 100.0]
    now = timezone.now()
    depth = registered("job_queue_depth").points(
        known.pk, now - timedelta(minutes=1), now + timedelta(minutes=1), {}
    )
    assert [v for _, v in depth] == [1.0]


def bucket_values():
    """Each bucket key's figures: the sums over its shards."""
    from django.db.models import Sum

    keys = ("organization_id", "hour", "queue", "task_type")
    sums = ("queued", "in_progress", "completed", "failed", "cancelled", "duration_count")
    rows = JobStatsBucket.objects.values(*keys).annotate(**{f"{n}_": Sum(n) for n in sums}).order_by(*keys)
    return [tuple(row.values()) for row in rows if any(row[f"{n}_"] for n in sums)]


def test_buckets_kept_by_the_services_equal_a_rebuild(acme, umbrella, settings):
    a = make_task(acme, "a", queue="ops", task_type="backup")
    b = make_task(acme, "b", queue="default", task_type="report", retries=1)
    settings.JOBS_ALLOWED_EXECUTABLES = [__import__("sys").executable]
    failing = __import__("tests.jobs.factories", fromlist=["x"]).make_script_task(
        acme, settings, "raise SystemExit(2)", name="c", retries=1
    )
    jobs = [job_create(task=a) for _ in range(3)] + [job_create(task=b), job_create(task=failing)]
    job_run_local(job_id=jobs[0].pk)
    job_run_local(job_id=jobs[4].pk)  # fails, and its automatic retry is queued
    job_cancel(job=jobs[1])
    jobs[0].refresh_from_db()
    job_retry(job=jobs[0])
    job_create(task=make_task(umbrella, "theirs"))
    task_delete(task=b)
    kept = bucket_values()
    stats_rebuild()
    assert kept == bucket_values()
    overview = selectors.overview(acme.pk, "All")
    assert (overview["total"], overview["completed"], overview["failed"], overview["cancelled"]) == (
        6,
        1,
        1,
        1,
    )


def test_compaction_folds_ended_hours_and_keeps_the_figures(acme):
    from datetime import timedelta as td

    from jobs.services.stats import SHARDS, _upsert, stats_compact

    hour = NOW.replace(minute=0) - td(hours=3)
    for shard in range(SHARDS):
        _upsert(
            acme.pk,
            hour,
            "q",
            "t",
            {"completed": 2, "failed": 1},
            duration_sum=3.0,
            duration_count=3,
            duration=float(shard + 1),
            shard=shard,
        )
    _upsert(acme.pk, NOW, "q", "t", {"queued": 1}, shard=5)  # the current hour stays as it is
    before = bucket_values()
    assert stats_compact(now=NOW) == SHARDS - 1
    assert bucket_values() == before
    row = JobStatsBucket.objects.get(hour=hour)
    assert (row.shard, row.completed, row.duration_min, row.duration_max) == (0, 16, 1.0, 8.0)
    assert JobStatsBucket.objects.filter(hour__gte=NOW.replace(minute=0)).count() == 1
