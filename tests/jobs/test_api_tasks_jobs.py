"""Tasks, jobs, queues and the secret-key trigger over the API: the checklist (401, another
organization's object 404, viewer 403, bad input 400 changing nothing) and the happy paths."""

from __future__ import annotations

import pytest

from jobs.inputs import NewTask
from jobs.models import Job, Task
from jobs.services.jobs import job_create
from tests.conftest import assert_error, data_of
from tests.jobs.factories import PYTHON, make_task

TASKS, JOBS = "/api/v1/tasks", "/api/v1/jobs"


def test_task_crud_and_the_secret_is_shown_once(member_client, admin_client, acme, settings):
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    body = {
        "name": "backup",
        "task_type": "maintenance",
        "kind": "script",
        "executable": PYTHON,
        "argv": ["-c", "print(1)", "{target}"],
        "arguments": [{"name": "target", "type": "string"}],
        "queue": "ops",
        "timeout": 60,
        "schedule": {"type": "cron", "cron": "0 3 * * *", "timezone": "UTC"},
    }
    created = data_of(member_client.post(TASKS, body, format="json"), 201)["task"]
    secret = created["secret_key"]
    assert secret.startswith("tsk_") and created["secret_key_prefix"] == secret[:12]
    assert created["schedule"] == body["schedule"] and created["is_recurring"] and created["next_run_at"]
    assert created["runner"] == "local"
    shown = data_of(member_client.get(f"{TASKS}/{created['id']}"))["task"]
    assert "secret_key" not in shown
    assert Task.objects.get().secret_key_hash != secret  # stored hashed
    changed = data_of(member_client.patch(f"{TASKS}/{created['id']}", {"schedule": None}, format="json"))[
        "task"
    ]
    assert changed["schedule"] is None and changed["next_run_at"] is None
    assert_error(
        member_client.post(f"{TASKS}/{created['id']}/rotate-secret"), 403, "insufficient_permissions"
    )
    rotated = data_of(admin_client.post(f"{TASKS}/{created['id']}/rotate-secret"))["task"]["secret_key"]
    assert rotated != secret
    assert_error(
        member_client.post(f"{JOBS}/secret/{secret}", {}, format="json"), 401, "authentication_failed"
    )
    assert admin_client.delete(f"{TASKS}/{created['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "kind": "script", "executable": "/bin/sh", "argv": ["-c", "id"]}, "executable"),
        ({"name": "x", "kind": "script", "executable": PYTHON, "argv": ["{nope}"]}, "argv"),
        ({"name": "x", "kind": "http"}, "url"),
        ({"name": "x", "kind": "http", "url": "file:///etc/passwd"}, "url"),
        ({"name": "x", "kind": "http", "url": "gopher://127.0.0.1:6379/_FLUSHALL"}, "url"),
        ({"name": "x", "kind": "http", "url": "http:///no-host"}, "url"),
        ({"name": "x", "arguments": [{"name": "1bad"}]}, "arguments"),
        ({"name": "x", "arguments": [{"name": "a", "type": "choice"}]}, "arguments"),
        ({"name": "x", "schedule": {"type": "interval", "seconds": 1}}, "schedule"),
        ({"name": "x", "schedule": {"type": "cron", "cron": "61 * * * *"}}, "schedule"),
        (
            {"name": "x", "schedule": {"type": "cron", "cron": "* * * * *", "timezone": "Mars/Base"}},
            "schedule",
        ),
        ({"name": "x", "schedule": "daily"}, "schedule"),
        ({"name": "x", "runner": "somewhere"}, "runner"),
        ({"name": "x", "runner": "id:99999"}, "runner"),
        ({"name": "x", "timeout": 0}, "timeout"),
        ({"name": "x", "retries": 11}, "retries"),
    ],
)
def test_bad_tasks_are_refused_and_nothing_is_stored(member_client, settings, body, field):
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    error = assert_error(member_client.post(TASKS, body, format="json"), 400, "validation_error")
    assert field in error["details"], error
    assert not Task.objects.exists()


def test_duplicate_task_name(member_client, acme):
    make_task(acme, "same")
    error = assert_error(member_client.post(TASKS, {"name": "same"}, format="json"), 400, "validation_error")
    assert "name" in error["details"]


def test_jobs_create_detail_audit_cancel_retry(member_client, write_key_client, acme):
    task = make_task(acme, arguments=[{"name": "n", "type": "integer", "default": 1}])
    job = data_of(member_client.post(JOBS, {"task": task.pk, "task_arguments": [5]}, format="json"), 201)[
        "job"
    ]
    assert (job["status"], job["arguments"], job["triggered_by"], job["result"]) == (
        "queued",
        {"n": 5},
        "user",
        None,
    )
    by_key = data_of(write_key_client.post(JOBS, {"task": task.pk}, format="json"), 201)["job"]
    assert (by_key["triggered_by"], by_key["triggered_by_name"]) == ("api_key", "terraform")
    cancelled = data_of(member_client.post(f"{JOBS}/{job['id']}/cancel"))["job"]
    assert cancelled["status"] == "cancelled"
    assert_error(member_client.post(f"{JOBS}/{job['id']}/cancel"), 409, "job_already_finished")
    assert_error(member_client.post(f"{JOBS}/{by_key['id']}/retry"), 409, "job_not_finished")
    retried = data_of(member_client.post(f"{JOBS}/{job['id']}/retry"), 201)["job"]
    assert (retried["attempt"], retried["retry_of"], retried["arguments"]) == (2, job["id"], {"n": 5})
    audit = data_of(member_client.get(f"{JOBS}/{job['id']}/status-audit"))["status_audit"]
    assert [(a["old_status"], a["new_status"]) for a in audit] == [("", "queued"), ("queued", "cancelled")]
    detail = data_of(member_client.get(f"{JOBS}/{job['id']}"))["job"]
    assert detail["result"]["exit_code"] is None and detail["task_name"] == task.name
    runs = data_of(member_client.get(f"{TASKS}/{task.pk}/runs"))["jobs"]
    assert {r["id"] for r in runs} == {job["id"], by_key["id"], retried["id"]}


def test_job_bad_input_changes_nothing(member_client, acme, umbrella):
    task = make_task(acme, arguments=[{"name": "n", "type": "integer"}])
    foreign = make_task(umbrella, "theirs")
    for body, field in [
        ({"task": task.pk, "task_arguments": ["seven"]}, "task_arguments.n"),
        ({"task": task.pk}, "task_arguments.n"),
        ({"task": foreign.pk}, "task"),
        ({"task": "x"}, "task"),
    ]:
        error = assert_error(member_client.post(JOBS, body, format="json"), 400, "validation_error")
        assert field in error["details"], body
    assert not Job.objects.exists()


def test_job_filters_and_sort(member_client, acme, django_assert_max_num_queries):
    backup = make_task(acme, "backup", task_type="maintenance-db", queue="ops")
    report = make_task(acme, "report", task_type="reporting", queue="default")
    first = job_create(task=backup)
    job_create(task=report)
    job_create(task=report)
    from jobs.services.jobs import job_cancel

    job_cancel(job=first)

    def ids(query):
        return [j["id"] for j in data_of(member_client.get(f"{JOBS}?{query}"))["jobs"]]

    assert ids("status=cancelled") == [first.pk]
    assert ids("queue_name=ops") == [first.pk]
    assert ids("task_type=maint") == [first.pk]  # partial match
    assert len(ids("is_recurring=false")) == 3 and ids("is_recurring=true") == []
    assert len(ids("created_from=2000-01-01&created_to=2100-01-01")) == 3
    assert ids("sort=id:asc")[0] == first.pk
    assert_error(member_client.get(f"{JOBS}?status=sleeping"), 400, "validation_error")
    assert_error(member_client.get(f"{JOBS}?created_from=yesterday"), 400, "validation_error")
    with django_assert_max_num_queries(8):
        member_client.get(JOBS)


def test_secret_key_starts_only_its_task(anon_client, member_client, acme):
    task, secret = __import__("jobs.services.tasks", fromlist=["task_create"]).task_create(
        organization=acme, new=NewTask(name="deploy", arguments=[{"name": "ref", "type": "string"}])
    )
    answer = anon_client.post(f"{JOBS}/secret/{secret}", {"task_arguments": {"ref": "main"}}, format="json")
    job = data_of(answer, 201)["job"]
    assert (job["task"], job["triggered_by"], job["arguments"]) == (task.pk, "secret_key", {"ref": "main"})
    error = assert_error(
        anon_client.post(f"{JOBS}/secret/{secret}", {}, format="json"), 400, "validation_error"
    )
    assert "task_arguments.ref" in error["details"]
    assert_error(
        anon_client.post(f"{JOBS}/secret/tsk_wrong", {}, format="json"), 401, "authentication_failed"
    )
    # the key reads nothing
    keyed = anon_client
    keyed.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert keyed.get(JOBS).status_code == 401
    assert keyed.get(f"{TASKS}/{task.pk}").status_code == 401


def test_queues(member_client, acme):
    make_task(acme, "a", queue="ops")
    for _ in range(3):
        job_create(task=Task.objects.get(name="a"))
    job_create(task=make_task(acme, "b", queue="default"))
    queues = data_of(member_client.get("/api/v1/queues"))["queues"]
    assert [(q["name"], q["total"], q["queued"]) for q in queues] == [("default", 1, 1), ("ops", 3, 3)]
    jobs = data_of(member_client.get("/api/v1/queues/ops/jobs"))["jobs"]
    assert len(jobs) == 3 and {j["queue_name"] for j in jobs} == {"ops"}


def test_checklist_401_404_403(anon_client, outsider_client, viewer_client, member_client, acme):
    task = make_task(acme)
    job = job_create(task=task)
    for url in (
        TASKS,
        f"{TASKS}/{task.pk}",
        JOBS,
        f"{JOBS}/{job.pk}",
        "/api/v1/queues",
        f"{JOBS}/dashboard/overview",
        "/api/v1/runners",
    ):
        assert_error(anon_client.get(url), 401, "authentication_failed")
    for url in (
        f"{TASKS}/{task.pk}",
        f"{JOBS}/{job.pk}",
        f"{JOBS}/{job.pk}/status-audit",
        f"{TASKS}/{task.pk}/runs",
    ):
        assert_error(outsider_client.get(url), 404, "not_found")
    assert_error(outsider_client.post(f"{JOBS}/{job.pk}/cancel"), 404, "not_found")
    assert data_of(outsider_client.get(JOBS))["jobs"] == []
    assert_error(viewer_client.post(JOBS, {"task": task.pk}, format="json"), 403, "insufficient_permissions")
    assert_error(viewer_client.post(TASKS, {"name": "v"}, format="json"), 403, "insufficient_permissions")
    assert_error(viewer_client.post(f"{JOBS}/{job.pk}/cancel"), 403, "insufficient_permissions")
    assert data_of(viewer_client.get(f"{JOBS}/{job.pk}"))["job"]["id"] == job.pk
    assert Job.objects.count() == 1
