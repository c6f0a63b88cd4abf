"""A running job outlives a database blip and is declared lost only when its worker is gone.

Found by fault injection: during a Postgres outage every running script's progress write raised, the
scripts finished unwatched, were failed as "lost" after their timeout and retried, so each ran twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from jobs.choices import JobStatus
from jobs.models import Job
from jobs.services.execution import job_run_local
from jobs.services.jobs import job_create, job_start
from jobs.services.liveness import job_alive_mark
from jobs.services.runners import jobs_sweep
from monitoring_site.redis_client import get_redis
from tests.jobs.factories import make_script_task, make_task

pytestmark = pytest.mark.django_db(transaction=True)


def _started_long_ago(acme, settings):
    job = job_create(task=make_task(acme, "long", retries=1))
    job_start(job=job)
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=2))
    return job


def test_a_job_whose_worker_is_gone_fails_as_node_lost_on_the_second_sweep(acme, settings):
    job = _started_long_ago(acme, settings)
    assert jobs_sweep()["jobs_failed"] == 0  # the first miss only makes it suspect
    assert jobs_sweep()["jobs_failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.startswith("node lost")
    assert Job.objects.get(retry_of=job).status == JobStatus.QUEUED  # its task retries once


def test_a_job_whose_worker_is_alive_is_never_lost_however_long_it_runs(acme, settings):
    job = _started_long_ago(acme, settings)
    for _ in range(3):
        job_alive_mark(job.pk)
        assert jobs_sweep()["jobs_failed"] == 0
    # a Redis flush drops the keys until the next poll: one miss is not enough
    get_redis().flushdb()
    assert jobs_sweep()["jobs_failed"] == 0
    job_alive_mark(job.pk)
    assert jobs_sweep()["jobs_failed"] == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.IN_PROGRESS


def test_nothing_is_declared_lost_while_redis_cannot_be_asked(acme, settings):
    job = _started_long_ago(acme, settings)
    jobs_sweep()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    get_redis.cache_clear()
    try:
        assert jobs_sweep()["jobs_failed"] == 0
    finally:
        get_redis.cache_clear()
    assert Job.objects.get(pk=job.pk).status == JobStatus.IN_PROGRESS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kills the worker's Postgres session")
def test_a_script_outlives_its_database_session_being_killed(acme, settings):
    code = "import time\nfor i in range(6):\n    print('line', i, flush=True)\n    time.sleep(0.5)\n"
    task = make_script_task(acme, settings, code, name="chatty", retries=1)
    job = job_create(task=task)
    done: dict = {}

    def worker():
        try:
            done["status"] = job_run_local(job_id=job.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    killed = 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and killed < 3:  # the worker's session dies again and again
        time.sleep(0.6)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            killed += cursor.fetchone()[0]
    thread.join(timeout=60)
    assert killed, "the worker's session was never seen"
    job.refresh_from_db()
    assert (job.status, job.exit_code, job.attempt) == (JobStatus.COMPLETED, 0, 1)
    assert job.log.count("line") == 6 and job.lastline == "line 5"
    assert not Job.objects.filter(retry_of=job).exists()  # it ran once
