"""Controls: pause (409 when paused, automatic resume), resume, restart (event), scale, admins only
(403 otherwise); each recorded on the agent and delivered as a command in heartbeat answers until the
agent acknowledges it; the restart remediation action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from agents.inputs import NewAgent
from agents.models import Agent, AgentControl
from agents.remediation import restart
from agents.services.agents import agent_create
from agents.services.controls import agent_pause, agents_resume_due
from agents.services.ingest import agent_heartbeat
from alerts.models import Alert, AlertRule, Event
from tests.conftest import assert_error, data_of

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
AGENTS = "/api/v1/agents"


@pytest.fixture
def reporting(acme):
    agent, token = agent_create(organization=acme, new=NewAgent(name="voice"))
    agent_heartbeat(agent=agent, data={})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return Agent.objects.get(pk=agent.pk), client


def test_pause_resume_and_the_commands(admin_client, member_client, reporting):
    agent, own = reporting
    url = f"{AGENTS}/{agent.pk}"
    assert_error(
        member_client.post(f"{url}/pause", {"reason": "x"}, format="json"), 403, "insufficient_permissions"
    )
    paused = data_of(
        admin_client.post(f"{url}/pause", {"reason": "Maintenance", "duration_minutes": 30}, format="json")
    )["pause"]
    assert (paused["previous_status"], paused["current_status"]) == ("healthy", "paused")
    assert paused["resume_at"] and paused["active_requests_drained"] is True
    assert_error(admin_client.post(f"{url}/pause", {}, format="json"), 409, "agent_already_paused")
    assert_error(
        admin_client.post(f"{url}/pause", {"duration_minutes": 0}, format="json"), 400, "validation_error"
    )
    # the agent learns it from its heartbeat answer, and keeps seeing it until it acknowledges it
    answer = data_of(own.post(f"{url}/heartbeat", {"status": "healthy"}, format="json"))
    assert answer["status"] == "paused"
    (command,) = answer["commands"]
    assert command["action"] == "pause" and command["params"] == {"duration_minutes": 30}
    assert data_of(own.post(f"{url}/heartbeat", {}, format="json"))["commands"] == [command]
    acked = data_of(own.post(f"{url}/commands/{command['id']}/ack", {"result": "drained"}, format="json"))
    assert acked["control"]["acknowledged_at"] and acked["control"]["result"] == "drained"
    assert data_of(own.post(f"{url}/heartbeat", {}, format="json"))["commands"] == []
    assert_error(own.post(f"{url}/commands/not-a-uuid/ack", {}, format="json"), 400, "validation_error")
    unknown = own.post(f"{url}/commands/{command['id']}/ack", {"outcome": "drained"}, format="json")
    assert "outcome" in assert_error(unknown, 400, "validation_error")["details"]
    not_text = own.post(f"{url}/commands/{command['id']}/ack", {"result": {"ok": True}}, format="json")
    assert "result" in assert_error(not_text, 400, "validation_error")["details"]
    answer = data_of(admin_client.post(f"{url}/resume", {"reason": "done"}, format="json"))
    assert answer["agent"]["status"] == "healthy"
    assert {k: answer["resume"][k] for k in ("agent_id", "previous_status", "current_status")} == {
        "agent_id": agent.pk,
        "previous_status": "paused",
        "current_status": "healthy",
    }
    assert_error(admin_client.post(f"{url}/resume", {}, format="json"), 409, "agent_not_paused")
    audit = data_of(member_client.get(f"{url}/controls"))["controls"]
    assert [c["action"] for c in audit] == ["resume", "pause"]
    changes = Event.objects.filter(name="monitoring.agent_status_changed").order_by("occurred_at")
    assert [e.body["current_status"] for e in changes][-2:] == ["paused", "healthy"]


def test_bad_pause_changes_nothing(admin_client, reporting):
    agent, _ = reporting
    error = assert_error(
        admin_client.post(f"{AGENTS}/{agent.pk}/pause", {"duration_minutes": "soon"}, format="json"),
        400,
        "validation_error",
    )
    assert "duration_minutes" in error["details"]
    agent.refresh_from_db()
    assert agent.status == "healthy" and not AgentControl.objects.exists()


@pytest.mark.django_db
def test_a_pause_ends_by_itself(acme):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    agent_heartbeat(agent=agent, data={}, now=NOW)
    agent_pause(agent=agent, duration_minutes=30, now=NOW)
    assert agents_resume_due(now=NOW + timedelta(minutes=29)) == 0
    agent_heartbeat(agent=agent, data={}, now=NOW + timedelta(minutes=29))
    assert Agent.objects.get(pk=agent.pk).status == "paused"  # heartbeats do not end a pause
    assert agents_resume_due(now=NOW + timedelta(minutes=30)) == 1
    assert Agent.objects.get(pk=agent.pk).status == "healthy"


def test_restart_and_scale(admin_client, reporting):
    agent, own = reporting
    answer = data_of(
        admin_client.post(f"{AGENTS}/{agent.pk}/restart", {"reason": "leak", "force": True}, format="json")
    )
    assert answer["agent"]["status"] == "starting" and answer["restart"]["previous_status"] == "healthy"
    assert answer["restart"]["current_status"] == "starting" and answer["restart"]["force"] is True
    event = Event.objects.get(name="monitoring.agent_restarted")
    assert event.body["force"] is True and event.body["reason"] == "leak"
    scaled = data_of(admin_client.post(f"{AGENTS}/{agent.pk}/scale", {"replicas": 3}, format="json"))
    assert scaled["agent"]["desired_replicas"] == 3
    assert (scaled["scale"]["previous_replicas"], scaled["scale"]["replicas"]) == (1, 3)
    assert_error(
        admin_client.post(f"{AGENTS}/{agent.pk}/scale", {"replicas": -1}, format="json"),
        400,
        "validation_error",
    )
    commands = data_of(own.post(f"{AGENTS}/{agent.pk}/heartbeat", {}, format="json"))["commands"]
    assert [(c["action"], c["params"]) for c in commands] == [
        ("restart", {"force": True}),
        ("scale", {"replicas": 3, "previous_replicas": 1}),
    ]


def test_controls_on_another_organizations_agent_are_404(outsider_client, reporting):
    agent, _ = reporting
    assert_error(
        outsider_client.post(f"{AGENTS}/{agent.pk}/pause", {}, format="json"), 404, "agent_not_found"
    )


@pytest.mark.django_db
def test_restart_remediation(acme):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    rule = AlertRule.objects.create(
        organization=acme,
        name="r",
        metric="error_rate",
        operator="gt",
        threshold=5,
        scope={"agent_id": agent.pk},
        auto_remediate={"action": "restart"},
    )
    alert = Alert.objects.create(organization=acme, rule=rule, title="errors", threshold_value=5)
    assert restart(alert) == "restart requested for agent a"
    assert AgentControl.objects.get().action == "restart"
