"""Log ingestion: batches of lines, each validated on its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from agents.models import Agent, AgentLog, LogLevel
from agents.streams import log_lines_publish
from monitoring_site.errors import RuleViolation

MAX_LINES = 5000
MAX_MESSAGE = 10_000
FUTURE_SLACK = timedelta(minutes=5)


def _line(item: Any, agents: set[int], now: datetime) -> tuple[dict[str, Any] | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["An object."]
    problems = []
    stamp = parse_datetime(str(item.get("timestamp", ""))) if item.get("timestamp") is not None else None
    if stamp is None or stamp.tzinfo is None:
        problems.append("timestamp: an ISO-8601 date-time with a time zone.")
    elif stamp > now + FUTURE_SLACK:
        problems.append("timestamp: in the future.")
    level = str(item.get("level", "info")).lower()
    if level not in LogLevel.values:
        problems.append(f"level: one of {', '.join(LogLevel.values)}.")
    message = item.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append("message: a non-empty string.")
    agent_id = item.get("agent_id")
    if agent_id is not None and agent_id not in agents:
        problems.append("agent_id: no such agent in this organization.")
    if not isinstance(item.get("context", {}), dict):
        problems.append("context: an object.")
    trace = item.get("trace_id", "")
    if not isinstance(trace, str) or len(trace) > 100:
        problems.append("trace_id: a string of at most 100 characters.")
    if problems:
        return None, problems
    return {
        "timestamp": stamp,
        "level": level,
        "message": message[:MAX_MESSAGE],  # type: ignore[index]
        "agent_id": agent_id,
        "context": item.get("context") or {},
        "trace_id": trace,
    }, []


def logs_ingest(
    *, organization_id: int, lines: Any, agent: Agent | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Store the valid lines of a batch together (one transaction) and report each refused one by its
    index. Lines sent with an agent's ingest token belong to that agent."""
    now = now or timezone.now()
    if not isinstance(lines, list) or not 0 < len(lines) <= MAX_LINES:
        raise RuleViolation("The logs are invalid.", details={"logs": [f"A list of 1 to {MAX_LINES} lines."]})
    agents = (
        {agent.pk}
        if agent
        else set(Agent.objects.filter(organization_id=organization_id).values_list("pk", flat=True))
    )
    rows, rejected = [], []
    for index, item in enumerate(lines):
        if agent is not None and isinstance(item, dict):
            item = {**item, "agent_id": agent.pk}
        fields, problems = _line(item, agents, now)
        if fields is None:
            rejected.append({"index": index, "errors": problems})
        else:
            rows.append(AgentLog(organization_id=organization_id, **fields))
    with transaction.atomic():
        AgentLog.objects.bulk_create(rows, batch_size=1000)
        log_lines_publish(organization_id, rows)  # sent once the lines are committed
    return {"accepted": len(rows), "rejected": rejected}
