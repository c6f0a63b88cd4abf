"""Runners over the API: enrollment tokens (admins, shown once), registration, the runner's own token
limited to itself, heartbeat with cancel commands and host stats, claim (long-poll, 204 when nothing
came), result; and the run_task remediation action."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from alerts.models import Alert, AlertRule
from jobs.models import Job, Runner
from jobs.remediation import run_task
from jobs.services.jobs import job_cancel, job_create
from monitors.inputs import NewMonitor
from tests.conftest import assert_error, data_of
from tests.jobs.factories import make_runner, make_task

RUNNERS = "/api/v1/runners"


def runner_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_enroll_register_heartbeat_claim_result(admin_client, member_client, anon_client, acme):
    assert_error(
        member_client.post(f"{RUNNERS}/enrollment-tokens", {"name": "x"}, format="json"),
        403,
        "insufficient_permissions",
    )
    enrollment = data_of(
        admin_client.post(f"{RUNNERS}/enrollment-tokens", {"name": "ci"}, format="json"), 201
    )
    raw = enrollment["enrollment_token"]["token"]
    listed = data_of(admin_client.get(f"{RUNNERS}/enrollment-tokens"))["enrollment_tokens"]
    assert "token" not in listed[0] and listed[0]["display_prefix"] == raw[:12]

    body = {"enrollment_token": raw, "name": "web-1", "labels": ["linux", "eu"], "hostname": "web-1"}
    registered = data_of(anon_client.post(f"{RUNNERS}/register", body, format="json"), 201)
    runner_id, token = registered["runner"]["id"], registered["token"]
    assert token.startswith("rnr_") and Runner.objects.get().token_hash != token
    own = runner_client(token)

    assert data_of(own.post(f"{RUNNERS}/{runner_id}/heartbeat", {"version": "1.2"}, format="json")) == {
        "cancel": []
    }
    assert own.post(f"{RUNNERS}/{runner_id}/claim?wait=0").status_code == 204
    task = make_task(acme, target="remote", runner_label="eu", arguments=[{"name": "n", "type": "integer"}])
    job = job_create(task=task, task_arguments=[3])
    spec = data_of(own.post(f"{RUNNERS}/{runner_id}/claim?wait=5"))["job"]
    assert (spec["id"], spec["kind"], spec["arguments"]) == (job.pk, "noop", {"n": 3})
    job_cancel(job=Job.objects.get(pk=job.pk), by="alice")  # cancel while it runs
    assert data_of(own.post(f"{RUNNERS}/{runner_id}/heartbeat", {}, format="json")) == {"cancel": [job.pk]}
    result = {"exit_code": None, "signal": "SIGTERM", "killed": True, "cancelled": True, "duration": 1.5}
    done = data_of(own.post(f"{RUNNERS}/{runner_id}/jobs/{job.pk}/result", result, format="json"))["job"]
    assert (done["status"], done["signal"], done["runner"]["name"]) == ("cancelled", "SIGTERM", "web-1")
    assert_error(
        own.post(f"{RUNNERS}/{runner_id}/jobs/{job.pk}/result", result, format="json"), 409, "job_not_claimed"
    )

    runners = data_of(admin_client.get(RUNNERS))["runners"]
    assert runners[0]["online"] and runners[0]["version"] == "1.2"
    # revoking the enrollment token stops registration, not the runner
    admin_client.delete(f"{RUNNERS}/enrollment-tokens/{enrollment['enrollment_token']['id']}")
    assert_error(
        anon_client.post(f"{RUNNERS}/register", body, format="json"), 400, "invalid_enrollment_token"
    )
    assert own.post(f"{RUNNERS}/{runner_id}/heartbeat", {}, format="json").status_code == 200


def test_runner_token_is_limited_to_itself(acme, umbrella, member_client):
    mine, token = make_runner(acme, "mine")
    theirs, _their_token = make_runner(umbrella, "theirs")
    own = runner_client(token)
    assert_error(own.post(f"{RUNNERS}/{theirs.pk}/heartbeat", {}, format="json"), 404, "not_found")
    assert_error(
        runner_client("rnr_nope").post(f"{RUNNERS}/{mine.pk}/claim?wait=0"), 401, "authentication_failed"
    )
    assert_error(APIClient().post(f"{RUNNERS}/{mine.pk}/claim?wait=0"), 401, "authentication_failed")
    assert own.get("/api/v1/jobs").status_code == 401  # a runner token is not an API credential
    their_job = job_create(task=make_task(umbrella, "x", target="remote"))
    assert own.post(f"{RUNNERS}/{mine.pk}/claim?wait=0").status_code == 204  # never another org's job
    assert_error(
        own.post(f"{RUNNERS}/{mine.pk}/jobs/{their_job.pk}/result", {}, format="json"), 404, "not_found"
    )
    assert_error(own.post(f"{RUNNERS}/{mine.pk}/claim?wait=soon"), 400, "validation_error")
    assert_error(member_client.get(f"{RUNNERS}/{theirs.pk}"), 404, "not_found")


def test_bad_registration_changes_nothing(anon_client, acme):
    _, _ = make_runner(acme)
    before = Runner.objects.count()
    assert_error(
        anon_client.post(f"{RUNNERS}/register", {"enrollment_token": "enr_x", "name": "a"}, format="json"),
        400,
        "invalid_enrollment_token",
    )
    assert_error(
        anon_client.post(f"{RUNNERS}/register", {"name": "a"}, format="json"), 400, "validation_error"
    )
    assert Runner.objects.count() == before


def test_runner_update_and_host_monitor_link(admin_client, acme, umbrella):
    runner, _ = make_runner(acme)
    from monitors.services.monitors import monitor_create

    foreign = monitor_create(
        organization=umbrella, new=NewMonitor(name="h", type="host", target="h", check_interval=60)
    ).obj
    error = assert_error(
        admin_client.patch(f"{RUNNERS}/{runner.pk}", {"host_monitor_id": foreign.pk}, format="json"),
        400,
        "validation_error",
    )
    assert "host_monitor_id" in error["details"]
    changed = data_of(
        admin_client.patch(f"{RUNNERS}/{runner.pk}", {"labels": ["gpu"], "name": "big"}, format="json")
    )["runner"]
    assert changed["labels"] == ["gpu"] and changed["name"] == "big"


@pytest.mark.django_db
def test_run_task_remediation(acme):
    task = make_task(acme, "restart-service", arguments=[{"name": "svc", "type": "string"}])
    rule = AlertRule.objects.create(
        organization=acme,
        name="r",
        metric="response_time",
        operator="gt",
        threshold=1,
        auto_remediate={
            "action": "run_task",
            "params": {"task_id": task.pk, "task_arguments": {"svc": "web"}},
        },
    )
    alert = Alert.objects.create(organization=acme, rule=rule, title="slow", threshold_value=1)
    said = run_task(alert)
    job = Job.objects.get()
    assert said == f"started job {job.pk} of task restart-service"
    assert (job.triggered_by, job.arguments) == ("remediation", {"svc": "web"})


def test_deleting_a_runner_keeps_its_pinned_work_from_drifting(admin_client, acme):
    runner, _ = make_runner(acme, "db-host")
    make_runner(acme, "other")
    pinned = make_task(
        acme, "vacuum", target="remote", runner=runner, schedule_type="interval", interval_seconds=60
    )
    queued = job_create(task=pinned)
    assert admin_client.delete(f"{RUNNERS}/{runner.pk}").status_code == 204
    queued.refresh_from_db()
    pinned.refresh_from_db()
    assert queued.status == "cancelled" and not pinned.enabled and pinned.next_run_at is None


def test_runner_reports_output_while_running(acme, member_client):
    runner, token = make_runner(acme, "r1")
    other, other_token = make_runner(acme, "r2")
    job = job_create(task=make_task(acme, target="remote"))
    own = runner_client(token)
    assert own.post(f"{RUNNERS}/{runner.pk}/claim?wait=0").status_code == 200
    answer = own.post(f"{RUNNERS}/{runner.pk}/jobs/{job.pk}/log", {"log": "step 1\n"}, format="json")
    assert answer.status_code == 204
    assert data_of(member_client.get(f"/api/v1/jobs/{job.pk}"))["job"]["log"] == "step 1\n"
    assert_error(
        runner_client(other_token).post(
            f"{RUNNERS}/{other.pk}/jobs/{job.pk}/log", {"log": "x"}, format="json"
        ),
        409,
        "job_not_claimed",
    )
    assert_error(
        own.post(f"{RUNNERS}/{runner.pk}/jobs/{job.pk}/log", {}, format="json"), 400, "validation_error"
    )
    assert Job.objects.get(pk=job.pk).log == "step 1\n"
