"""Dashboard pages of jobs: overview, job list and detail, task editor and run-now form, queues,
runners with an enrollment token shown once; viewers read but cannot act; another organization's job is
a 404."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from jobs.models import EnrollmentToken, Job, Task
from jobs.services.execution import job_run_local
from jobs.services.jobs import job_create
from tests.jobs.factories import PYTHON, make_runner, make_task


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_browser(owner):
    return browser_for(owner)


def test_overview_list_detail_queues(owner_browser, acme):
    task = make_task(acme, "nightly-report", task_type="reporting", queue="reports")
    job = job_create(task=task)
    job_run_local(job_id=job.pk)
    overview = owner_browser.get("/jobs/?range=All").content.decode()
    assert 'id="jobs-total">1<' in overview and "reporting" in overview and "reports" in overview
    assert 'data-topics="job.updates"' in overview
    listing = owner_browser.get("/jobs/runs/?status=completed").content.decode()
    assert "nightly-report" in listing and "jobs_live.js" in listing
    assert (
        "nightly-report"
        not in owner_browser.get("/jobs/runs/?status=failed").content.decode().split("<tbody>")[1]
    )
    detail = owner_browser.get(f"/jobs/runs/{job.pk}").content.decode()
    assert "noop" in detail and "in_progress" in detail and 'data-reload-when-finished="1"' in detail
    assert "reports" in owner_browser.get("/jobs/queues/").content.decode()


def test_task_editor_and_run_now(owner_browser, acme, settings):
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    form = {
        "name": "echo",
        "task_type": "ops",
        "kind": "script",
        "executable": PYTHON,
        "argv": "-c\nimport sys; print(sys.argv[1])\n{word}",
        "method": "GET",
        "arguments": '[{"name": "word", "type": "string", "default": "hi"}]',
        "queue": "default",
        "runner": "local",
        "timeout": 30,
        "max_output_bytes": 65536,
        "retries": 0,
        "schedule_type": "none",
        "timezone": "UTC",
        "enabled": "on",
    }
    answer = owner_browser.post("/jobs/tasks/new", form, follow=True).content.decode()
    task = Task.objects.get()
    assert "shown once" in answer and task.argv == ["-c", "import sys; print(sys.argv[1])", "{word}"]
    page = owner_browser.get(f"/jobs/tasks/{task.pk}").content.decode()
    assert 'name="word"' in page and 'value="hi"' in page
    owner_browser.post(f"/jobs/tasks/{task.pk}", {"word": "; echo pwned"})
    job = Job.objects.get()
    assert job.arguments == {"word": "; echo pwned"}
    job_run_local(job_id=job.pk)
    job.refresh_from_db()
    assert job.lastline == "; echo pwned"
    # a bad edit changes nothing and says why
    bad = owner_browser.post(
        f"/jobs/tasks/{task.pk}/edit", {**form, "executable": "/bin/sh"}
    ).content.decode()
    assert "Not allowed" in bad
    task.refresh_from_db()
    assert task.executable == PYTHON


def test_the_task_form_keeps_only_the_chosen_kind_and_schedule(owner_browser, acme):
    form = owner_browser.get("/jobs/tasks/new").content.decode()
    assert 'data-shown-when="kind=script"' in form and 'data-shown-when="schedule_type=cron"' in form
    answer = owner_browser.post(
        "/jobs/tasks/new",
        {
            "name": "ping the api",
            "task_type": "ops",
            "kind": "http",
            "url": "https://api.example/health",
            "method": "GET",
            "executable": "/bin/sh",  # typed while "script" was chosen, then hidden: not saved
            "argv": "-c\nrm -rf /",
            "queue": "default",
            "runner": "local",
            "timeout": 30,
            "max_output_bytes": 65536,
            "retries": 0,
            "schedule_type": "interval",
            "interval_seconds_0": "5",
            "interval_seconds_1": "60",
            "cron": "0 3 * * *",  # typed for cron, hidden: not saved
            "timezone": "Europe/Paris",
            "enabled": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()
    task = Task.objects.get(name="ping the api")
    assert (task.kind, task.executable, task.argv, task.url) == ("http", "", [], "https://api.example/health")
    assert (task.schedule_type, task.interval_seconds, task.cron, task.timezone) == (
        "interval",
        300,
        "",
        "UTC",
    )


def test_runners_page_and_enrollment_token(owner_browser, acme):
    make_runner(acme, "edge-1")
    answer = owner_browser.post("/jobs/runners/", {"name": "fleet"}, follow=True).content.decode()
    token = EnrollmentToken.objects.get(name="fleet")
    assert "shown once" in answer and token.display_prefix in answer
    page = owner_browser.get("/jobs/runners/").content.decode()
    assert "edge-1" in page and "online" in page


def test_viewer_reads_but_cannot_act_and_other_org_is_404(viewer, acme, outsider):
    job = job_create(task=make_task(acme))
    viewer_browser = browser_for(viewer)
    assert viewer_browser.get(f"/jobs/runs/{job.pk}").status_code == 200
    refused = viewer_browser.get("/jobs/tasks/new")
    assert refused.status_code == 403
    page = refused.content.decode()  # says what is missing: not "you are not a member of any organization"
    assert "Your role in <b>Acme</b> is <b>viewer</b>" in page and "not a member" not in page
    assert viewer_browser.post(f"/jobs/runs/{job.pk}/cancel").status_code == 403
    viewer_browser.post("/jobs/runners/", {"name": "x"})
    assert not EnrollmentToken.objects.exists()
    assert browser_for(outsider).get(f"/jobs/runs/{job.pk}").status_code == 404


def test_job_log_endpoint_for_the_running_page(owner_browser, acme, outsider):
    job = job_create(task=make_task(acme))
    Job.objects.filter(pk=job.pk).update(status="in_progress", log="halfway\n")
    answer = owner_browser.get(f"/jobs/runs/{job.pk}/log").json()
    assert answer == {"status": "in_progress", "log": "halfway\n", "lastline": ""}
    page = owner_browser.get(f"/jobs/runs/{job.pk}").content.decode()
    assert f'data-log-url="/jobs/runs/{job.pk}/log"' in page
    assert browser_for(outsider).get(f"/jobs/runs/{job.pk}/log").status_code == 404


def test_a_job_page_shows_its_arguments_as_json(owner_browser, acme):
    task = make_task(acme, "greet")
    job = job_create(task=task)
    Job.objects.filter(pk=job.pk).update(arguments={"who": "O'Brien", "count": 2, "dry": True})
    detail = owner_browser.get(f"/jobs/runs/{job.pk}").content.decode()
    [shown] = re.findall(r"<th>Arguments</th>\s*<td><code>(.*?)</code>", detail)
    shown = html.unescape(shown)
    assert json.loads(shown) == {"who": "O'Brien", "count": 2, "dry": True}  # JSON, in jsonb's key order
    assert "&#x27;who&#x27;" not in detail and "True" not in detail  # not a Python repr


def test_a_task_is_deleted_from_its_page(owner_browser, viewer, acme):
    task = make_task(acme, "old-report")
    job_create(task=task)
    assert "Delete" in owner_browser.get(f"/jobs/tasks/{task.pk}").content.decode()
    assert browser_for(viewer).post(f"/jobs/tasks/{task.pk}/delete").status_code == 403
    answer = owner_browser.post(f"/jobs/tasks/{task.pk}/delete")
    assert answer.status_code == 302 and answer["Location"] == "/jobs/tasks/"
    assert not Task.objects.filter(pk=task.pk).exists() and not Job.objects.filter(task_id=task.pk).exists()
