"""TheEye's monitor and job API document (004) replayed: its curl | jq pipelines run for real (the
document's commands with only the host changed), the job object's keys, the secret-key trigger, and the
``customer``/``access_token`` rules."""

from __future__ import annotations

import json
import shutil

import pytest

from jobs.inputs import NewTask
from jobs.models import Job
from jobs.services.execution import job_run_local
from monitoring_site.accounts.models import Organization
from monitors.inputs import NewMonitor
from monitors.services.host_stats import host_stats_record
from monitors.services.monitors import monitor_create
from tests.compat.shell import sh
from tests.conftest import assert_error, client_for
from tests.jobs.factories import make_script_task

pytestmark = pytest.mark.django_db(transaction=True)

JOB_KEYS = {
    "task_arguments_values",
    "_type",
    "output",
    "creation_date",
    "last_update",
    "task",
    "task_id",
    "host_id",
    "host",
    "name",
    "lifecycle",
    "state",
    "customer_id",
    "customer_name",
    "user_id",
    "user",
    "notify",
    "origin",
    "script_id",
    "script_runas",
    "id",
}


@pytest.fixture
def estate(acme, settings):
    demo = monitor_create(organization=acme, new=NewMonitor(name="demo", type="host", target="demo")).obj
    host_stats_record(
        monitor=demo,
        data={
            "cpu": 3,
            "mem": 36.73548113271163,
            "cache": 4.689083037753453,
            "disk": [{"name": "xvda2", "value": 84.84461326890819}],
        },
    )
    monitor_create(
        organization=acme, new=NewMonitor(name="demo", type="website", target="https://example.com")
    )
    monitor_create(
        organization=acme, new=NewMonitor(name="api", type="website", target="https://example.com")
    )
    task = make_script_task(acme, settings, "print('\\nnormal')", name="testing task")
    return {"demo": demo, "task": task}


@pytest.fixture
def jq():
    found = shutil.which("jq")
    assert found and shutil.which("curl"), "jq and curl are installed by make test (system-packages)"
    return found


def test_list_search_by_name_and_bot_stats_pipelines(live_server, estate, write_key, jq):
    customer, access_token, url = "acme", write_key[1], live_server.url
    listed = json.loads(sh(f"curl -sS {url}/{customer}/monitor?access_token={access_token}"))
    assert {m["name"] for m in listed} == {"demo", "api"} and len(listed) == 3

    mon_name = "demo"
    found = json.loads(
        sh(
            f"curl -sS {url}/{customer}/monitor?access_token={access_token} | "
            f"""jq -r --arg name "{mon_name}" '.[] | select(.name==$name) | """
            """{"name": .name, "id": .id, "state": .resource.state}' | jq -s '.'"""
        )
    )
    assert [f["name"] for f in found] == ["demo", "demo"]
    assert {f["state"] for f in found} <= {"normal", "failure", "unknown", "updates_stopped"}

    bot_name = "demo"
    stats = json.loads(
        sh(
            f"curl -sS {url}/{customer}/monitor?access_token={access_token} | "
            f"""jq -r --arg name "{bot_name}" '.[] | select((.name==$name) and (.type=="dstat")) | """
            """{"name": .name, "id": .id, "stats": .resource.last_event.data}' | jq -s '.'"""
        )
    )
    assert stats == [
        {
            "name": "demo",
            "id": str(estate["demo"].pk),
            "stats": {
                "cpu": 3.0,
                "mem": 36.73548113271163,
                "cache": 4.689083037753453,
                "disk": [{"name": "xvda2", "value": 84.84461326890819}],
            },
        }
    ]


def test_run_a_task_with_a_token_then_query_the_job(live_server, estate, write_key, jq):
    task_id, access_token, customer, url = estate["task"].pk, write_key[1], "acme", live_server.url
    # the document's request, with -d for its -b (curl reads -b's argument as a cookie file: no body)
    created = json.loads(
        sh(
            "curl -sS -X POST "
            '-H "Accept: application/json" -H "Content-Type: application/json" '
            f"""-d "{{\\"task\\":\\"{task_id}\\",\\"task_arguments\\":[]}}" """
            f'"{url}/job?access_token={access_token}&customer={customer}"'
        )
    )
    assert set(created) >= JOB_KEYS, JOB_KEYS - set(created)
    assert created["lifecycle"] == "ready" and created["state"] == "in_progress"
    assert created["task"] == {"id": str(task_id), "task_arguments": [], "output_parameters": []}
    assert created["customer_name"] == "acme" and created["_type"] == "ScriptJob"

    job_run_local(job_id=int(created["id"]))
    # the document's query (its single quotes would stop $customer expanding; the intent is run)
    job = json.loads(
        sh(f"curl -sS '{url}/{customer}/job/{created['id']}?access_token={access_token}' | jq -r .")
    )
    assert job["lifecycle"] == "finished" and job["state"] == "success" and job["trigger_name"] == "success"
    assert job["result"]["code"] == 0 and job["result"]["lastline"] == "normal"
    assert job["result"]["log"] == "\nnormal\n" and job["result"]["killed"] is False
    assert set(job["result"]["times"]) == {"seconds", "nanoseconds"}
    # access_token may also be a bearer token, and the body a real JSON body
    api = client_for(token=access_token)
    again = api.post(f"/job?customer={customer}", {"task": str(task_id), "task_arguments": []}, format="json")
    assert again.status_code == 200 and again.json()["origin"] == "user"


def test_run_by_secret_key(live_server, acme, settings, jq):
    from jobs.services.tasks import task_create

    task, secret = task_create(organization=acme, new=NewTask(name="by-secret", kind="noop"))
    customer, url = "acme", live_server.url
    # the document's request as written: -b sends no body, and the secret key alone names the task
    created = json.loads(
        sh(
            "curl -sS -X POST "
            '-H "Accept: application/json" -H "Content-Type: application/json" '
            f"""-b "{{\\"task\\":\\"{task.pk}\\",\\"task_arguments\\":[]}}" """
            f'"{url}/job/secret/{secret}?customer={customer}"'
        )
    )
    assert created["origin"] == "secret" and created["task_id"] == str(task.pk)
    anon = client_for()
    assert_error(
        anon.post(f"/job/secret/{secret}?customer=umbrella", {}, format="json"), 401, "authentication_failed"
    )
    assert_error(anon.post("/job/secret/nope?customer=acme", {}, format="json"), 401, "authentication_failed")
    assert Job.objects.count() == 1


def test_customer_token_and_input_rules(estate, read_key, write_key, umbrella, outsider_token):
    reader = client_for(token=read_key[1])
    assert reader.get("/acme/monitor").status_code == 200  # bearer works as access_token
    assert_error(client_for().get("/acme/monitor"), 401, "authentication_failed")
    assert_error(client_for().get("/acme/monitor?access_token=msk_wrong"), 401, "authentication_failed")
    # another organization's slug, or one that does not exist: 404, nothing leaks
    assert client_for(token=read_key[1]).get("/umbrella/monitor").status_code == 404
    assert client_for(token=outsider_token).get("/acme/monitor").status_code == 404
    assert client_for(token=read_key[1]).get("/nobody/monitor").status_code == 404
    assert_error(reader.get("/acme/monitor?sort=name"), 400, "validation_error")
    task_id = estate["task"].pk
    assert_error(
        reader.post("/job?customer=acme", {"task": str(task_id)}, format="json"),
        403,
        "insufficient_permissions",
    )
    writer = client_for(token=write_key[1])
    assert_error(writer.post("/job", {"task": str(task_id)}, format="json"), 400, "validation_error")
    assert_error(
        writer.post("/job?customer=acme", {"task": "999999"}, format="json"), 400, "validation_error"
    )
    assert_error(
        writer.post("/job?customer=acme", {"task": str(task_id), "extra": 1}, format="json"),
        400,
        "validation_error",
    )
    assert_error(
        writer.post("/job?customer=acme", {"task": str(task_id), "task_arguments": ["x"]}, format="json"),
        400,
        "validation_error",
    )
    ours = writer.post("/job", {"task": str(task_id), "customer": "acme"}, format="json").json()
    assert writer.get(f"/acme/job/{ours['id']}").json()["id"] == ours["id"]
    assert writer.get("/acme/job/999999").status_code == 404
    Organization.objects.filter(slug="umbrella").exists()
    assert client_for(token=outsider_token).get(f"/umbrella/job/{ours['id']}").status_code == 404


def test_a_jwt_access_token_in_the_query(estate, owner_token):
    from rest_framework.test import APIClient

    listed = APIClient().get(f"/acme/monitor?access_token={owner_token}")
    assert listed.status_code == 200 and len(listed.json()) == 3
    assert_error(APIClient().get("/acme/monitor?access_token=eyJnot.a.jwt"), 401, "authentication_failed")
