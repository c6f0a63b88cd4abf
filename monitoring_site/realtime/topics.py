"""WebSocket topics, the events that go to each, and the channel-layer group names (DESIGN section 6).

Groups are per organization and topic, so a subscriber can only ever receive its own organization's events.
"""

from __future__ import annotations

TOPICS: dict[str, tuple[str, ...]] = {
    "monitor.status": ("monitor.down", "monitor.up"),
    "heartbeat.status": ("heartbeat.down", "heartbeat.up"),
    "incident.updates": ("incident.created", "incident.resolved", "status_page.updated"),
    "alert.updates": (
        "monitoring.alert_triggered",
        "monitoring.alert_resolved",
        "monitoring.threshold_exceeded",
    ),
    "agent.status": ("monitoring.agent_status_changed", "monitoring.agent_restarted"),
    "job.updates": ("job.started", "job.completed", "job.failed"),
    "probe.status": ("probe.lost", "probe.recovered"),
}

EVENTS: tuple[str, ...] = tuple(event for events in TOPICS.values() for event in events)

# Streams: topics beyond DESIGN section 6's list, for data that is not a domain event (never recorded,
# never sent to webhooks): commands for agents (an agent subscribes with its own ingest token and gets
# only its own), live log lines (one message per ingested batch) and check results (one message per
# recorded batch, for the monitor list's strips and figures).
STREAMS: dict[str, tuple[str, ...]] = {
    "agent.commands": ("agent.command",),
    "agent.logs": ("agent.log_lines",),
    "monitor.results": ("monitor.check_results",),
}
SUBSCRIBABLE: frozenset[str] = frozenset(TOPICS) | frozenset(STREAMS)
# What a connection authenticated by an agent's ingest token may subscribe to.
AGENT_TOPICS: frozenset[str] = frozenset({"agent.commands"})


def topic_for_event(event: str) -> str:
    for topic, events in TOPICS.items():
        if event in events:
            return topic
    raise ValueError(f"unknown event {event!r}; add it to monitoring_site/realtime/topics.py")


def group_name(organization_id: int, topic: str) -> str:
    if topic not in SUBSCRIBABLE:
        raise ValueError(f"unknown topic {topic!r}")
    # Group names allow ASCII letters, digits, hyphens, underscores and periods only.
    return f"org-{organization_id}.{topic}"


def agent_group_name(agent_id: int, topic: str) -> str:
    """The group of one agent's own connections (ingest-token authenticated)."""
    if topic not in AGENT_TOPICS:
        raise ValueError(f"agents cannot subscribe to {topic!r}")
    return f"agent-{agent_id}.{topic}"
