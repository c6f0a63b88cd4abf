"""What agents send and receive live over the WebSocket (streams beyond DESIGN section 6's topics, see
``monitoring_site/realtime/topics.py``): commands on ``agent.commands`` (operators see every agent's, an
agent connected with its own ingest token sees only its own and, on subscribing, the ones it has not
acknowledged), and ingested log lines on ``agent.logs`` for the logs page's live tail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.models import Agent, AgentControl
from monitoring_site.realtime.auth import DeviceSubscriber
from monitoring_site.realtime.events import build_message, publish
from monitoring_site.realtime.topics import agent_group_name

COMMANDS, LOGS = "agent.commands", "agent.logs"
# Lines carried by one agent.logs message; a bigger batch says how many more it had (``more``).
MAX_TAIL_LINES = 200


def command_publish(agent: Agent, control: AgentControl) -> None:
    """Send a new command to the agent's connections and the organization's subscribers (on commit)."""
    publish(
        agent.organization_id,
        COMMANDS,
        "agent.command",
        {"agent_id": agent.pk, "command": control.command()},
        also_to=(agent_group_name(agent.pk, COMMANDS),),
    )


def log_lines_publish(organization_id: int, rows: Sequence[Any]) -> None:
    """One message per ingested batch (not per line: a batch of 500 costs one channel-layer send); rows
    are ``LogLine``s or anything with their attributes."""
    if not rows:
        return
    lines = [
        {
            "timestamp": row.timestamp,
            "level": row.level,
            "agent_id": row.agent_id,
            "message": row.message[:2000],
            "trace_id": row.trace_id,
        }
        for row in rows[:MAX_TAIL_LINES]
    ]
    publish(
        organization_id, LOGS, "agent.log_lines", {"lines": lines, "more": max(0, len(rows) - MAX_TAIL_LINES)}
    )


def device_auth(token: str, content: dict[str, Any]) -> DeviceSubscriber | None:
    """An agent's WebSocket login: its ingest token and its id."""
    from agents.services.agents import agent_for_token
    from agents.services.controls import commands_pending

    try:
        agent_id = int(content.get("agent_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    agent = agent_for_token(agent_id=agent_id, raw=token)
    if agent is None:
        return None

    def greeting(topic: str) -> list[dict[str, Any]]:
        return [
            build_message(
                topic=COMMANDS, event="agent.command", data={"agent_id": agent.pk, "command": command}
            )
            for command in commands_pending(agent=agent)
        ]

    return DeviceSubscriber(
        organization_id=agent.organization_id,
        groups={COMMANDS: agent_group_name(agent.pk, COMMANDS)},
        greeting=greeting,
    )
