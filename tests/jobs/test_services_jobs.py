"""Job lifecycle through the services with a fixed ``now``: every change audited, compare-and-swap
transitions, cancel and retry, automatic retries, local execution, the recurring dispatcher and the
sweeper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobs.choices import JobStatus, TriggeredBy
from jobs.inputs import TaskChanges
from jobs.models import Job, JobStatusAudit, Task
from jobs.services.execution import job_run_local
from jobs.services.jobs import job_cancel, job_create, job_retry, job_start
from jobs.services.runners import job_claim, job_report, jobs_sweep
from jobs.services.schedules import tasks_dispatch_due
from jobs.services.tasks import task_update
from monitoring_site.errors import Conflict, RuleViolation
from monitors.inputs import NewMonitor
from tests.jobs.factories import PYTHON, make_runner, make_script_task, make_task

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def audit(job):
    return list(JobStatusAudit.objects.filter(job=job).values_list("old_status", "new_status"))


def test_local_script_job_runs_and_every_change_is_audited(acme, settings):
    task = make_script_task(
        acme,
        settings,
        "import sys; print('hello', sys.argv[1]); sys.exit(int(sys.argv[2]))",
        argv=["{who}", "{code}"],
        arguments=[{"name": "who", "type": "string"}, {"name": "code", "type": "integer", "default": 0}],
    )
    job = job_create(task=task, task_arguments=["; rm -rf /"])
    assert job.arguments == {"who": "; rm -rf /", "code": 0}
    assert job_run_local(job_id=job.pk) == JobStatus.COMPLETED
    job.refresh_from_db()
    assert (job.exit_code, job.lastline, job.killed) == (0, "hello ; rm -rf /", False)
    assert job.duration is not None and job.started_at and job.completed_at
    assert audit(job) == [("", "queued"), ("queued", "in_progress"), ("in_progress", "completed")]
    assert job_run_local(job_id=job.pk) == "skipped"  # a redelivered message runs nothing twice

    failing = job_create(task=task, task_arguments={"who": "x", "code": 4})
    job_run_local(job_id=failing.pk)
    failing.refresh_from_db()
    assert (failing.status, failing.exit_code) == (JobStatus.FAILED, 4)


def test_timeout_is_recorded_as_killed(acme, settings):
    task = make_script_task(
        acme, settings, "import time; print('sleeping', flush=True); time.sleep(30)", timeout=1
    )
    job = job_create(task=task)
    job_run_local(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.killed, job.signal, job.lastline) == (
        JobStatus.FAILED,
        True,
        "SIGTERM",
        "sleeping",
    )
    assert job.error.startswith("timed out")


def test_bad_arguments_create_nothing(acme):
    task = make_task(
        acme,
        arguments=[
            {"name": "n", "type": "integer"},
            {"name": "mode", "type": "choice", "choices": ["a", "b"], "default": "a"},
        ],
    )
    for given, field in [
        ([], "task_arguments.n"),
        (["x"], "task_arguments.n"),
        ({"n": 1, "mode": "c"}, "task_arguments.mode"),
        ({"n": 1, "zzz": 2}, "task_arguments.zzz"),
    ]:
        with pytest.raises(RuleViolation) as raised:
            job_create(task=task, task_arguments=given)
        assert field in raised.value.details, given
    assert not Job.objects.exists()


def test_cancel_a_queued_job_means_it_never_runs(acme):
    job = job_create(task=make_task(acme))
    job_cancel(job=job, by="alice")
    assert job.status == JobStatus.CANCELLED
    assert job_run_local(job_id=job.pk) == "skipped"
    with pytest.raises(Conflict) as raised:
        job_cancel(job=job)
    assert raised.value.code == "job_already_finished"


def test_cancel_an_in_progress_script_terminates_it(acme, settings):
    task = make_script_task(acme, settings, "import time; time.sleep(30)")
    job = job_create(task=task)
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # as if cancelled right after it started
    job_run_local(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.killed) == (JobStatus.CANCELLED, True)


def test_retry_makes_a_new_attempt_and_failures_retry_automatically(acme, settings):
    task = make_script_task(acme, settings, "raise SystemExit(1)", retries=2)
    first = job_create(task=task)
    job_run_local(job_id=first.pk)
    second = Job.objects.get(retry_of=first)
    assert (second.attempt, second.triggered_by, second.status) == (2, TriggeredBy.RETRY, JobStatus.QUEUED)
    job_run_local(job_id=second.pk)
    third = Job.objects.get(retry_of=second)
    job_run_local(job_id=third.pk)
    assert Job.objects.count() == 3  # attempt 3 failed: retries (2) are used up
    with pytest.raises(Conflict):
        job_retry(job=job_create(task=task))  # queued: not finished
    third.refresh_from_db()
    manual = job_retry(job=third, by="alice")
    assert manual.attempt == 4


def test_two_starts_race_and_one_wins(acme):
    job = job_create(task=make_task(acme))
    other = Job.objects.get(pk=job.pk)
    assert job_start(job=job) is True
    assert job_start(job=other) is False
    assert JobStatusAudit.objects.filter(job=job, new_status="in_progress").count() == 1


def test_dispatcher_creates_one_job_per_due_time(acme):
    task = make_task(acme, schedule_type="interval", interval_seconds=60, max_runs=3)
    Task.objects.filter(pk=task.pk).update(next_run_at=NOW)
    assert tasks_dispatch_due(now=NOW) == 1
    assert tasks_dispatch_due(now=NOW) == 0  # a second dispatcher at the same moment makes nothing
    job = Job.objects.get()
    assert (job.scheduled_for, job.is_recurring, job.triggered_by) == (NOW, True, TriggeredBy.SCHEDULE)
    task.refresh_from_db()
    assert task.next_run_at == NOW + timedelta(seconds=60) and task.run_count == 1

    # the platform was down for 10 minutes: one run now, the next one in the future (no burst)
    later = NOW + timedelta(minutes=10, seconds=5)
    assert tasks_dispatch_due(now=later) == 1
    task.refresh_from_db()
    assert task.next_run_at == NOW + timedelta(minutes=11)
    assert tasks_dispatch_due(now=task.next_run_at) == 1  # the third and last run
    task.refresh_from_db()
    assert task.next_run_at is None and Job.objects.count() == 3


def test_a_due_time_that_already_has_its_job_creates_nothing(acme):
    task = make_task(acme, schedule_type="interval", interval_seconds=60)
    Task.objects.filter(pk=task.pk).update(next_run_at=NOW)
    job_create(task=task, triggered_by=TriggeredBy.SCHEDULE, scheduled_for=NOW)  # a crashed run made it
    assert tasks_dispatch_due(now=NOW) == 0
    assert Job.objects.count() == 1


def test_cron_schedule_and_run_until(acme):
    task = make_task(
        acme,
        schedule_type="cron",
        cron="0 3 * * *",
        timezone="Europe/Paris",
        run_until=NOW + timedelta(days=1),
    )
    task = task_update(task=task, changes=TaskChanges(cron="30 3 * * *"), now=NOW)
    assert task.next_run_at == datetime(2026, 3, 8, 2, 30, tzinfo=UTC)  # 03:30 in Paris (UTC+1)
    dispatched = tasks_dispatch_due(now=task.next_run_at)
    task.refresh_from_db()
    assert dispatched == 1 and task.next_run_at is None  # the next one is after run_until


def test_runner_claims_reports_and_two_runners_race(acme):
    runner, _ = make_runner(acme, "r1", ["linux"])
    other, _ = make_runner(acme, "r2", ["linux"])
    windows, _ = make_runner(acme, "w1", ["windows"])
    task = make_task(acme, target="remote", runner_label="linux")
    job = job_create(task=task)
    assert job_claim(runner=windows) is None
    claimed = job_claim(runner=runner, now=NOW)
    assert claimed.pk == job.pk and claimed.runner_id == runner.pk
    assert job_claim(runner=other) is None  # claimed once
    with pytest.raises(Conflict):
        job_report(runner=other, job=claimed, result={"exit_code": 0})
    done = job_report(runner=runner, job=claimed, result={"exit_code": 0, "log": "ok\n", "lastline": "ok"})
    assert (done.status, done.lastline) == (JobStatus.COMPLETED, "ok")


def test_sweeper_fails_the_jobs_of_a_silent_runner(acme, settings):
    runner, _ = make_runner(acme)
    task = make_task(acme, target="remote", retries=1)
    job = job_create(task=task, now=NOW)
    job_claim(runner=runner, now=NOW)
    from jobs.models import Runner

    Runner.objects.filter(pk=runner.pk).update(last_heartbeat_at=NOW)
    later = NOW + timedelta(seconds=settings.JOBS_RUNNER_OFFLINE_SECONDS + 1)
    assert jobs_sweep(now=later)["jobs_failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped heartbeating" in job.error
    assert Job.objects.get(retry_of=job).status == JobStatus.QUEUED  # re-queued by the task's retries
    assert jobs_sweep(now=later)["jobs_failed"] == 0


def test_disabled_task_refuses_jobs(acme):
    task = make_task(acme, enabled=False)
    with pytest.raises(Conflict) as raised:
        job_create(task=task)
    assert raised.value.code == "task_disabled"


def test_http_task_runs_against_a_real_server(acme):
    from tests.monitors.targets import HttpTarget

    with HttpTarget() as target:
        base = f"http://127.0.0.1:{target.server.server_address[1]}"
        task = make_task(
            acme,
            "ping-api",
            kind="http",
            url=base + "/text/{word}",
            method="get",
            arguments=[{"name": "word", "type": "string"}],
        )
        assert task.method == "GET"
        ok = job_create(task=task, task_arguments=["hello world/../x"])
        job_run_local(job_id=ok.pk)
        ok.refresh_from_db()
        assert (ok.status, ok.exit_code, ok.lastline) == (JobStatus.COMPLETED, 0, "HTTP 200 OK")
        broken = make_task(acme, "broken", kind="http", url=base + "/status/503")
        failed = job_create(task=broken)
        job_run_local(job_id=failed.pk)
        failed.refresh_from_db()
        assert (failed.status, failed.exit_code) == (JobStatus.FAILED, 1)
        assert failed.lastline.startswith("HTTP 503")


def test_an_http_jobs_log_keeps_the_body_up_to_its_cap(acme):
    """A body arriving in pieces is read to the task's max_output_bytes, not cut at the first piece."""
    from tests.monitors.targets import HttpTarget

    with HttpTarget() as target:
        url = f"http://127.0.0.1:{target.server.server_address[1]}/big/150000"
        task = make_task(acme, "big", kind="http", url=url, max_output_bytes=100_000)
        job = job_create(task=task)
        job_run_local(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.log == "HTTP 200 OK\n\n" + "x" * 100_000


def test_http_task_on_a_platform_worker_is_held_to_the_private_address_policy(acme, settings):
    """A member must not read internal services through an HTTP job run by the platform's own workers: the
    request goes through monitoring_site.outbound_http, refused when connecting (a name that resolves to
    loopback as well as a literal address)."""
    from tests.monitors.targets import HttpTarget

    settings.ALLOW_PRIVATE_WEBHOOK_TARGETS = False
    with HttpTarget() as target:
        port = target.server.server_address[1]
        for url in (f"http://127.0.0.1:{port}/text/secret", f"http://localhost:{port}/text/secret"):
            task = make_task(acme, f"internal {url}", kind="http", url=url)
            job = job_create(task=task)
            job_run_local(job_id=job.pk)
            job.refresh_from_db()
            assert job.status == JobStatus.FAILED
            assert "private-address policy" in job.error and "secret" not in job.log, job.error
        assert target.served == 0


def test_runner_heartbeat_feeds_its_host_monitor(acme):
    from jobs.services.runners import runner_heartbeat
    from monitors.models import HostStat
    from monitors.services.monitors import monitor_create

    monitor = monitor_create(
        organization=acme, new=NewMonitor(name="web-1", type="host", target="web-1", check_interval=60)
    ).obj
    runner, _ = make_runner(acme)
    runner.host_monitor = monitor
    runner.save()
    assert runner_heartbeat(runner=runner, stats={"cpu": 12.5, "mem": 40, "disk": []}) == {"cancel": []}
    assert HostStat.objects.get(monitor=monitor).cpu == 12.5


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_output_is_visible_before_it_ends(acme, settings, tmp_path):
    """The script prints, then waits for a file the test writes only once it has seen that output in the
    job's log while the job is still in progress."""
    import threading

    from tests.e2e.platform import wait_for

    go = tmp_path / "go"
    code = (
        "import os, time\nprint('step one', flush=True)\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.05)\nprint('step two')"
    )
    task = make_script_task(acme, settings, code, timeout=60)
    job = job_create(task=task)

    def run() -> None:  # as a worker thread does: its own connection, closed after the job
        from django.db import connection

        try:
            job_run_local(job_id=job.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        running = Job.objects.filter(pk=job.pk, status="in_progress", log__contains="step one")
        assert wait_for(running.exists, "the first line in the running job's log", 30)
    finally:
        go.write_text("")
        worker.join(30)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.log == "step one\nstep two\n"


@pytest.mark.parametrize(
    ("argv", "declaration", "value", "refused"),
    [
        (["{arg}"], {}, "-c import os", True),
        (["{arg}"], {}, "--output=/etc/passwd", True),
        (["-m", "x", "{arg}", "--", "y"], {}, "-v", True),
        (["--", "{arg}"], {}, "-c import os", False),
        (["--name={arg}"], {}, "-x", False),
        (["{arg}"], {"allow_leading_dash": True}, "-v", False),
        (["{arg}"], {}, "plain", False),
    ],
)
def test_a_value_starting_with_a_dash_cannot_become_an_option(
    acme, settings, argv, declaration, value, refused
):
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    task = make_task(
        acme, kind="script", executable=PYTHON, argv=argv, arguments=[{"name": "arg", **declaration}]
    )
    if refused:
        with pytest.raises(RuleViolation) as raised:
            job_create(task=task, task_arguments=[value])
        assert "task_arguments.arg" in raised.value.details
        assert not Job.objects.exists()
    else:
        assert job_create(task=task, task_arguments=[value]).arguments == {"arg": value}


def test_a_tasks_environment_is_validated(acme, settings):
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    for bad in ({"LD_PRELOAD": "/tmp/x.so"}, {"PYTHONPATH": "/tmp"}, {"1X": "a"}, {"A": 3}, ["A=1"]):
        with pytest.raises(RuleViolation) as raised:
            make_task(acme, kind="script", executable=PYTHON, argv=["-V"], environment=bad)
        assert "environment" in raised.value.details, bad
    task = make_task(acme, kind="script", executable=PYTHON, argv=["-V"], environment={"REGION": "eu"})
    assert task.environment == {"REGION": "eu"}
