"""The agents' WebSocket streams through the real Redis channel layer: commands reach the agent connected
with its own ingest token (the ones it missed on subscribing, new ones as they are issued) and nobody
else's, operators see every command, and ingested log lines reach the logs page's live tail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from agents.inputs import NewAgent
from agents.services.agents import agent_create
from agents.services.controls import agent_pause, agent_scale
from agents.services.logs import logs_ingest
from agents.streams import MAX_TAIL_LINES
from monitoring_site.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]
WS = "/api/v1/ws"


async def connect() -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, WS)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def login(first_message: dict) -> WebsocketCommunicator:
    communicator = await connect()
    await communicator.send_json_to(first_message)
    return communicator


async def test_an_agent_gets_its_own_commands_missed_and_new(acme, owner_token):
    (agent, token), (other, other_token) = await database_sync_to_async(
        lambda: [agent_create(organization=acme, new=NewAgent(name=n)) for n in ("voice", "chat")]
    )()
    missed = await database_sync_to_async(agent_scale)(agent=agent, replicas=3, reason="load", by="ops")
    assert missed.desired_replicas == 3

    socket = await login({"auth": token, "agent_id": agent.pk, "subscribe": ["agent.commands"]})
    assert await socket.receive_json_from(timeout=5) == {"type": "subscribed", "topics": ["agent.commands"]}
    greeting = await socket.receive_json_from(timeout=5)
    assert greeting["event"] == "agent.command" and greeting["data"]["agent_id"] == agent.pk
    assert greeting["data"]["command"]["action"] == "scale"
    assert greeting["data"]["command"]["params"]["replicas"] == 3

    operator = await login({"auth": owner_token, "subscribe": ["agent.commands"]})
    assert (await operator.receive_json_from(timeout=5))["type"] == "subscribed"

    await database_sync_to_async(agent_pause)(agent=other, reason="not mine", by="ops")
    result = await database_sync_to_async(agent_pause)(
        agent=agent, reason="deploy", duration_minutes=5, by="ops"
    )
    assert result["current_status"] == "paused"
    pushed = await socket.receive_json_from(timeout=5)
    assert pushed["topic"] == "agent.commands" and pushed["data"]["agent_id"] == agent.pk
    assert pushed["data"]["command"]["action"] == "pause" and pushed["data"]["command"]["reason"] == "deploy"
    assert await socket.receive_nothing(timeout=0.5)  # the other agent's pause never reached it
    seen = [(await operator.receive_json_from(timeout=5))["data"]["agent_id"] for _ in range(2)]
    assert sorted(seen) == sorted([agent.pk, other.pk])
    for communicator in (socket, operator):
        await communicator.disconnect()
    assert other_token != token


@pytest.mark.parametrize("case", ["no agent id", "another agent's id", "a wrong token"])
async def test_agent_login_needs_its_token_and_its_id(acme, case):
    (agent, token), (other, _) = await database_sync_to_async(
        lambda: [agent_create(organization=acme, new=NewAgent(name=n)) for n in ("voice", "chat")]
    )()
    message = {
        "no agent id": {"auth": token},
        "another agent's id": {"auth": token, "agent_id": other.pk},
        "a wrong token": {"auth": "agt_" + "x" * 40, "agent_id": agent.pk},
    }[case]
    socket = await login({**message, "subscribe": ["agent.commands"]})
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_an_agent_may_subscribe_to_its_commands_only(acme):
    agent, token = await database_sync_to_async(agent_create)(organization=acme, new=NewAgent(name="voice"))
    socket = await login({"auth": token, "agent_id": agent.pk, "subscribe": ["agent.status"]})
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_ingested_log_lines_reach_the_live_tail(acme, umbrella, owner_token, outsider_token):
    agent, _ = await database_sync_to_async(agent_create)(organization=acme, new=NewAgent(name="voice"))
    tail = await login({"auth": owner_token, "subscribe": ["agent.logs"]})
    stranger = await login({"auth": outsider_token, "subscribe": ["agent.logs"]})
    for communicator in (tail, stranger):
        assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    at = datetime(2026, 3, 7, 12, 0, tzinfo=UTC).isoformat()
    lines = [
        {"timestamp": at, "level": "error", "agent_id": agent.pk, "message": f"line {i}"} for i in range(250)
    ]
    lines.append({"timestamp": at, "level": "nonsense", "message": "refused"})
    result = await database_sync_to_async(logs_ingest)(organization_id=acme.pk, lines=lines)
    assert result["accepted"] == 250 and result["rejected"][0]["index"] == 250

    message = await tail.receive_json_from(timeout=5)
    assert message["topic"] == "agent.logs" and message["event"] == "agent.log_lines"
    assert len(message["data"]["lines"]) == MAX_TAIL_LINES and message["data"]["more"] == 250 - MAX_TAIL_LINES
    first = message["data"]["lines"][0]
    assert first["message"] == "line 0" and first["level"] == "error" and first["agent_id"] == agent.pk
    assert await tail.receive_nothing(timeout=0.3)  # one message per batch
    assert await stranger.receive_nothing(timeout=0.5)
    await tail.disconnect()
    await stranger.disconnect()
