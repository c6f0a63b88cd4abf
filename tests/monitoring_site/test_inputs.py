"""The typed inputs of the create and update services, and the one actor parameter."""

import dataclasses
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from alerts.inputs import NewRule, RuleChanges
from jobs.inputs import NewTask
from jobs.models import Job
from jobs.services.jobs import job_create, job_retry
from jobs.services.tasks import task_create
from monitoring_site.actors import Actor, user_of
from monitoring_site.inputs import UNSET, given
from monitors.inputs import MonitorChanges, NewMonitor
from monitors.models import Monitor
from monitors.services.monitors import monitor_create, monitor_update
from tests.conftest import client_for, data_of


def test_an_input_holds_only_what_the_caller_gave():
    changes = MonitorChanges(check_interval=30, expires_at=None)
    assert changes.given() == {"check_interval": 30, "expires_at": None}  # None is a value, UNSET is not
    assert changes.name is UNSET and not UNSET and repr(UNSET) == "UNSET"
    with pytest.raises(dataclasses.FrozenInstanceError):
        changes.check_interval = 60  # type: ignore[misc]
    assert changes.replace(name="x").given() == {"check_interval": 30, "expires_at": None, "name": "x"}
    assert given(name="a", description=UNSET) == {"name": "a"}


def test_a_creation_requires_its_fields_and_of_refuses_names_the_operation_does_not_take():
    with pytest.raises(TypeError, match="target"):
        NewMonitor(name="shop", type="website")  # type: ignore[call-arg]
    assert NewRule.of({"name": "r", "metric": "m", "operator": "gt", "threshold": 1}).threshold == 1
    with pytest.raises(TypeError, match="RuleChanges takes no is_paused, next_check_at"):
        RuleChanges.of({"is_paused": True, "next_check_at": None})  # service-owned fields are not inputs


def test_an_update_changes_only_the_fields_given(acme):
    monitor, token = monitor_create(
        organization=acme, new=NewMonitor(name="shop", type="website", target="https://shop.example")
    )
    assert token == ""  # only a host monitor has a push token
    monitor_update(monitor=monitor, changes=MonitorChanges(check_interval=30))
    monitor.refresh_from_db()
    assert (monitor.name, monitor.target, monitor.check_interval) == ("shop", "https://shop.example", 30)


def test_a_host_monitor_made_in_the_dashboard_shows_its_push_token_once(owner, acme):
    browser = Client()
    browser.force_login(owner)
    response = browser.post(
        "/monitors/new",
        {
            "name": "db-1",
            "type": "host",
            "target": "db-1",
            "check_interval": "60",
            "timeout": "5",
            "retries": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    [token] = re.findall(r"push token \(shown once\): (\S+)", shown)
    monitor = Monitor.objects.get(name="db-1")
    pushed = client_for(token=token).post(f"/api/v1/monitors/{monitor.pk}/stats", {"cpu": 5}, format="json")
    assert data_of(pushed, 201) == {"status": "up"}


def test_a_host_monitors_push_token_is_among_a_configuration_imports_secrets(owner_client):
    body = {"monitors": [{"key": "db", "name": "db-1", "type": "host", "target": "db-1"}]}
    result = data_of(owner_client.post("/api/v1/config/apply", body, format="json"))
    [secret] = result["secrets"]
    assert secret["kind"] == "monitors" and secret["key"] == "db" and secret["secret"].startswith("mhp_")


def test_one_actor_parameter_carries_the_user_when_a_person_acts(acme, owner):
    task, _ = task_create(organization=acme, new=NewTask(name="export"))
    by_alice = Actor("alice", owner)
    assert by_alice == "alice" and user_of(by_alice) == owner and user_of("schedule") is None
    job = job_create(task=task, by=by_alice)
    assert (job.triggered_by_name, job.triggered_by_user) == ("alice", owner)
    Job.objects.filter(pk=job.pk).update(status="completed")
    again = job_retry(job=Job.objects.get(pk=job.pk), by="nightly sweep")
    assert (again.triggered_by_name, again.triggered_by_user) == ("nightly sweep", None)
    assert Actor.of_admin(owner) == "admin alice" and Actor.of_admin(owner).user == owner
