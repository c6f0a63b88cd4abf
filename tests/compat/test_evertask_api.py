"""EverTask's monitoring API document (002) replayed at ``/evertask-monitoring/api``: its Python
``requests`` example verbatim against a live server, its cURL example with the real ``jq``, and every
endpoint's keys, statuses, units and parameters as the document shows them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests
from django.contrib.auth import get_user_model
from django.utils import timezone

from jobs.choices import TriggeredBy
from jobs.models import Job
from jobs.services.execution import job_run_local
from jobs.services.jobs import job_create
from monitoring_site.accounts.models import Membership
from tests.compat.shell import sh
from tests.conftest import assert_error, client_for
from tests.jobs.factories import make_script_task, make_task

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/evertask-monitoring/api"

TASK_KEYS = {
    "id",
    "taskType",
    "handlerType",
    "status",
    "queueName",
    "createdAtUtc",
    "lastExecutionUtc",
    "isRecurring",
    "nextRunUtc",
}
DETAIL_KEYS = TASK_KEYS | {
    "parameters",
    "errorDetails",
    "scheduledAtUtc",
    "completedAtUtc",
    "recurringInfo",
    "maxRuns",
    "currentRunCount",
    "runUntil",
}


@pytest.fixture
def admin_login(acme):
    """The document's admin/admin account, an owner of acme."""
    user = get_user_model().objects.create_user(username="admin", password="admin")
    Membership.objects.create(user=user, organization=acme, role="owner")
    return user


@pytest.fixture
def jobs(acme, settings):
    email = make_task(acme, "SendEmailHandler", task_type="SendEmailTask", queue="default")
    report = make_task(
        acme,
        "ReportHandler",
        task_type="GenerateReportTask",
        queue="reports",
        schedule_type="interval",
        interval_seconds=3600,
        max_runs=10,
    )
    broken = make_script_task(acme, settings, "import sys; print('boom'); sys.exit(3)", name="Broken")
    done = [job_create(task=email, task_arguments={}) for _ in range(3)]
    for job in done:
        job_run_local(job_id=job.pk)
    failed = job_create(task=broken, task_arguments={})
    job_run_local(job_id=failed.pk)
    # a run of the schedule (a recurring EverTask task); the recurring fields come from its definition
    queued = job_create(
        task=report, task_arguments={}, triggered_by=TriggeredBy.SCHEDULE, scheduled_for=timezone.now()
    )
    return {"done": done, "failed": failed, "queued": queued}


def test_the_documents_python_requests_example(live_server, admin_login, jobs, capsys):
    API_BASE = f"{live_server.url}/evertask-monitoring/api"
    # --- the document's example, unchanged below this line ---
    login_response = requests.post(f"{API_BASE}/auth/login", json={"username": "admin", "password": "admin"})
    token = login_response.json()["token"]
    tasks_response = requests.get(
        f"{API_BASE}/tasks",
        params={"status": "Completed", "page": 1, "pageSize": 20},
        headers={"Authorization": f"Bearer {token}"},
    )
    tasks_data = tasks_response.json()
    print(f"Total tasks: {tasks_data['totalCount']}")
    # --- end of the example ---
    assert capsys.readouterr().out.strip() == "Total tasks: 3"
    assert set(login_response.json()) == {"token", "expiresAt", "username"}
    assert login_response.json()["username"] == "admin"
    assert tasks_data["page"] == 1 and tasks_data["pageSize"] == 20 and tasks_data["totalPages"] == 1
    assert [set(row) for row in tasks_data["tasks"]] == [TASK_KEYS] * 3
    assert {row["status"] for row in tasks_data["tasks"]} == {"Completed"}


def test_the_documents_curl_example_with_jq(live_server, admin_login, jobs):
    jq = shutil.which("jq")
    assert jq, "jq is installed by make test (system-packages)"
    api = f"{live_server.url}{BASE}"
    token = sh(
        f"curl -sS -X POST {api}/auth/login -H 'Content-Type: application/json' "
        f"""-d '{{"username":"admin","password":"admin"}}' | jq -r '.token'"""
    ).strip()
    assert token.count(".") == 2
    job_id = jobs["done"][0].pk
    for path in (
        "tasks?status=Completed&page=1&pageSize=20",
        f"tasks/{job_id}",
        "dashboard/overview?range=Today",
    ):
        answer = subprocess.run(
            ["curl", "-sS", "-f", "-H", f"Authorization: Bearer {token}", f"{api}/{path}"],
            capture_output=True,
            check=True,
        )
        assert subprocess.run([jq, "-e", "."], input=answer.stdout, capture_output=True).returncode == 0


def test_tasks_filters_sorting_and_paging(owner_client, jobs):
    api = owner_client
    page = api.get(f"{BASE}/tasks", {"pageSize": 2, "page": 1, "sortBy": "CreatedAtUtc"}).json()
    assert page["totalCount"] == 5 and page["totalPages"] == 3 and len(page["tasks"]) == 2
    assert page["tasks"][0]["id"] == str(jobs["queued"].pk)  # newest first by default
    ascending = api.get(f"{BASE}/tasks", {"sortDescending": "false", "pageSize": 100}).json()["tasks"]
    assert ascending[0]["id"] == str(jobs["done"][0].pk)
    assert api.get(f"{BASE}/tasks", {"status": "Failed"}).json()["totalCount"] == 1
    assert api.get(f"{BASE}/tasks", {"status": "Queued"}).json()["tasks"][0]["isRecurring"] is True
    assert api.get(f"{BASE}/tasks", {"queueName": "reports"}).json()["totalCount"] == 1
    assert api.get(f"{BASE}/tasks", {"taskType": "Email"}).json()["totalCount"] == 3  # partial match
    assert api.get(f"{BASE}/tasks", {"isRecurring": "true"}).json()["totalCount"] == 1
    assert api.get(f"{BASE}/tasks", {"createdFrom": "2000-01-01", "createdTo": "2001-01-01"}).json() == {
        "tasks": [],
        "totalCount": 0,
        "page": 1,
        "pageSize": 20,
        "totalPages": 0,
    }
    queue = api.get(f"{BASE}/queues/default/tasks", {"page": 1, "pageSize": 20}).json()
    assert queue["totalCount"] == 4  # the three e-mails and the broken script
    for bad in ({"pageSize": 101}, {"status": "completed"}, {"sortBy": "Nope"}, {"page_size": 5}):
        assert_error(api.get(f"{BASE}/tasks", bad), 400, "validation_error")


def test_task_detail_and_audits(owner_client, jobs):
    api = owner_client
    failed = jobs["failed"]
    detail = api.get(f"{BASE}/tasks/{failed.pk}").json()
    assert set(detail) == DETAIL_KEYS
    assert detail["status"] == "Failed" and "3" in detail["errorDetails"]
    assert detail["completedAtUtc"].endswith("Z") and detail["handlerType"] == "Broken"
    recurring = api.get(f"{BASE}/tasks/{jobs['queued'].pk}").json()
    assert recurring["recurringInfo"] == "Every 3600 seconds" and recurring["maxRuns"] == 10
    assert recurring["currentRunCount"] == 0 and recurring["nextRunUtc"] is not None
    audit = api.get(f"{BASE}/tasks/{failed.pk}/status-audit").json()
    assert [(a["oldStatus"], a["newStatus"]) for a in audit] == [
        (None, "Queued"),
        ("Queued", "InProgress"),
        ("InProgress", "Failed"),
    ]
    assert set(audit[0]) == {"id", "taskId", "oldStatus", "newStatus", "changedAtUtc", "errorDetails"}
    runs = api.get(f"{BASE}/tasks/{failed.pk}/runs-audit").json()
    assert len(runs) == 1 and runs[0]["status"] == "Failed"
    assert set(runs[0]) == {
        "id",
        "taskId",
        "executionStartedUtc",
        "executionCompletedUtc",
        "status",
        "errorDetails",
    }
    assert api.get(f"{BASE}/tasks/{jobs['queued'].pk}/runs-audit").json() == []  # not started yet
    assert api.get(f"{BASE}/tasks/999999").status_code == 404
    assert api.get(f"{BASE}/tasks/dc49351d-476d-49f0-a1e8-3e2a39182d22").status_code == 404


def test_dashboard_queues_and_statistics(owner_client, jobs):
    api = owner_client
    overview = api.get(f"{BASE}/dashboard/overview", {"range": "Today"}).json()
    assert overview["totalTasks"] == 5 and overview["completedTasks"] == 3 and overview["failedTasks"] == 1
    assert (
        overview["activeTasks"] == 1 and overview["successRate"] == 75.0 and overview["recurringTasks"] == 1
    )
    durations = [j.duration for j in Job.objects.filter(duration__isnull=False)]
    assert overview["averageExecutionTime"] == pytest.approx(
        1000 * sum(durations) / len(durations), abs=1.0
    )  # selector: whole ms
    assert {q["queueName"] for q in overview["queueSummaries"]} == {"default", "reports"}
    assert set(overview["tasksOverTime"][0]) == {"timestamp", "completed", "failed"}
    activity = api.get(f"{BASE}/dashboard/recent-activity", {"limit": 50}).json()
    assert activity[0]["taskId"] == str(jobs["queued"].pk) and activity[0]["status"] == "Queued"
    assert {"Task completed successfully", "Task queued"} <= {a["message"] for a in activity}
    assert_error(api.get(f"{BASE}/dashboard/recent-activity", {"limit": 101}), 400, "validation_error")
    queues = api.get(f"{BASE}/queues").json()
    default = next(q for q in queues if q["queueName"] == "default")
    assert default == {
        "queueName": "default",
        "totalTasks": 4,
        "queuedTasks": 0,
        "inProgressTasks": 0,
        "completedTasks": 3,
        "failedTasks": 1,
        "cancelledTasks": 0,
        "successRate": 75.0,
    }
    trend = api.get(f"{BASE}/statistics/success-rate-trend", {"period": "Last7Days"}).json()
    assert trend["period"] == "Last7Days" and len(trend["dataPoints"]) == 7
    assert trend["dataPoints"][-1]["successfulTasks"] == 3 and trend["dataPoints"][-1]["failedTasks"] == 1
    assert api.get(f"{BASE}/statistics/task-types", {"range": "Today"}).json() == {
        "SendEmailTask": 3,
        "general": 1,
        "GenerateReportTask": 1,
    }
    times = api.get(f"{BASE}/statistics/execution-times", {"range": "Today"}).json()
    assert {row["taskType"] for row in times} == {"SendEmailTask", "general"}
    assert set(times[0]) == {
        "taskType",
        "averageExecutionTime",
        "minExecutionTime",
        "maxExecutionTime",
        "taskCount",
    }
    assert_error(api.get(f"{BASE}/statistics/task-types", {"range": "Year"}), 400, "validation_error")


def test_config_needs_no_token_and_the_rest_does(anon_client, outsider_client, jobs):
    assert anon_client.get(f"{BASE}/config").json() == {
        "apiBasePath": "/evertask-monitoring/api",
        "uiBasePath": "/jobs/",
        "signalRHubPath": "/api/v1/ws",
        "requireAuthentication": True,
        "uiEnabled": True,
    }
    assert_error(anon_client.get(f"{BASE}/tasks"), 401, "authentication_failed")
    # another organization sees none of acme's tasks
    assert outsider_client.get(f"{BASE}/tasks").json()["totalCount"] == 0
    assert outsider_client.get(f"{BASE}/tasks/{jobs['failed'].pk}").status_code == 404
    assert_error(
        anon_client.post(f"{BASE}/auth/login", {"username": "x"}, format="json"), 400, "validation_error"
    )
    assert_error(
        anon_client.post(f"{BASE}/auth/login", {"username": "x", "password": "y"}, format="json"),
        401,
        "authentication_failed",
    )
    assert_error(client_for().post(f"{BASE}/nowhere", {}, format="json"), 404, "not_found")
