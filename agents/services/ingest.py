"""What agents report: heartbeats (status hint, version, health checks, dependencies) and batches of
request telemetry, each item validated on its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from agents.choices import REPORTED_STATUSES, AgentStatus, CheckStatus
from agents.models import Agent, AgentRequestEvent
from agents.services.controls import commands_pending
from agents.services.rollups import rollups_add
from agents.services.status import agent_status_refresh
from monitoring_site.bulk_copy import copy_rows
from monitoring_site.datetimes import parse_timestamp
from monitoring_site.errors import RuleViolation

MAX_EVENTS = 5000
MAX_CHECKS = 50
FUTURE_SLACK = timedelta(minutes=5)


def _checks(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_CHECKS:
        errors["checks"] = [f"A list of at most {MAX_CHECKS} {{name, status, latency_ms?, value?}}."]
        return []
    checks = []
    for index, check in enumerate(value):
        if not isinstance(check, dict) or not isinstance(check.get("name"), str):
            errors[f"checks.{index}"] = ["An object with a name."]
        elif check.get("status") not in CheckStatus.values:
            errors[f"checks.{index}"] = ["status must be pass, warn or fail."]
        else:
            kept = {"name": check["name"][:100], "status": check["status"]}
            for key in ("latency_ms", "value"):
                if key in check and isinstance(check[key], str | int | float):
                    kept[key] = check[key]
            checks.append(kept)
    return checks


def _dependencies(value: Any, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(d, dict) and isinstance(d.get("service"), str) and isinstance(d.get("status"), str)
        for d in value
    ):
        errors["dependencies"] = ["A list of {service, status}."]
        return []
    return [{"service": d["service"][:100], "status": d["status"][:20]} for d in value[:MAX_CHECKS]]


def agent_heartbeat(*, agent: Agent, data: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Record a heartbeat and re-derive the status. Returns the agent's status and the commands it has
    not acknowledged yet."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    hint = data.get("status")
    if hint is not None and hint not in REPORTED_STATUSES:
        errors["status"] = [f"One of {', '.join(REPORTED_STATUSES)} (paused comes from controls)."]
    version = data.get("version")
    if version is not None and (not isinstance(version, str) or len(version) > 50):
        errors["version"] = ["At most 50 characters."]
    checks = _checks(data.get("checks"), errors)
    dependencies = _dependencies(data.get("dependencies"), errors)
    if errors:
        raise RuleViolation("The heartbeat is invalid.", details=errors)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().select_related("organization").get(pk=agent.pk)
        if agent.last_heartbeat_at is None or agent.status == AgentStatus.OFFLINE:
            agent.started_at = now
        agent.last_heartbeat_at = now
        agent.offline_at = now + timedelta(seconds=agent.offline_after_seconds)
        agent.reported_status = hint or ""
        agent.health_checks, agent.dependencies = checks, dependencies
        if version:
            agent.version = version
        agent.save(
            update_fields=[
                "started_at",
                "last_heartbeat_at",
                "offline_at",
                "reported_status",
                "health_checks",
                "dependencies",
                "version",
            ]
        )
        agent_status_refresh(agent=agent, now=now)
    return {"status": agent.status, "commands": commands_pending(agent=agent, now=now)}


class ReportedRequest(NamedTuple):
    """One checked telemetry item (in ``EVENT_COLUMNS`` order after the agent and organization): a plain
    tuple, not a model, since a batch holds thousands."""

    timestamp: datetime
    request_id: str
    model: str
    latency_ms: float
    input_tokens: int
    output_tokens: int
    success: bool
    error_type: str
    error_message: str
    trace_id: str = ""
    span_id: str = ""
    parent_span_id: str = ""
    span_name: str = ""


def reported_at(item: dict[str, Any], now: datetime, problems: list[str]) -> datetime | None:
    """An item's ``timestamp`` (telemetry or a log line): an aware ISO-8601 date-time, not in the future
    (a few minutes of clock skew allowed); otherwise None, with the reason added to ``problems``."""
    stamp = parse_timestamp(item.get("timestamp"))
    if stamp is None or stamp.tzinfo is None:
        problems.append("timestamp: an ISO-8601 date-time with a time zone.")
        return None
    if stamp > now + FUTURE_SLACK:
        problems.append("timestamp: in the future.")
        return None
    return stamp


def _event(item: Any, now: datetime) -> tuple[ReportedRequest | None, list[str]]:
    """One telemetry item, checked: the row, or the reasons it is refused."""
    if not isinstance(item, dict):
        return None, ["An object."]
    problems: list[str] = []
    stamp = reported_at(item, now, problems)
    latency = item.get("latency_ms")
    if isinstance(latency, bool) or not isinstance(latency, int | float) or not 0 <= latency <= 86_400_000:
        problems.append("latency_ms: a number of milliseconds, 0 or more.")
    tokens = {}
    for key in ("input_tokens", "output_tokens"):
        value = item.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2_000_000_000:
            problems.append(f"{key}: a whole number, 0 or more.")
        tokens[key] = value
    if not isinstance(item.get("success", True), bool):
        problems.append("success: true or false.")
    for key, limit in (("request_id", 200), ("model", 200), ("error_type", 100), ("error_message", 2000)):
        if item.get(key) is not None and not isinstance(item[key], str):
            problems.append(f"{key}: a string.")
        elif len(item.get(key) or "") > limit and key != "error_message":
            problems.append(f"{key}: at most {limit} characters.")
    if problems:
        return None, problems
    return (
        ReportedRequest(
            timestamp=stamp,  # type: ignore[arg-type]
            request_id=item.get("request_id") or "",
            model=item.get("model") or "",
            latency_ms=float(latency),  # type: ignore[arg-type]
            input_tokens=tokens["input_tokens"],
            output_tokens=tokens["output_tokens"],
            success=item.get("success", True),
            error_type=item.get("error_type") or "",
            error_message=(item.get("error_message") or "")[:2000],
        ),
        [],
    )


EVENT_COLUMNS = [
    "agent_id",
    "organization_id",
    "timestamp",
    "request_id",
    "model",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "success",
    "error_type",
    "error_message",
    "trace_id",
    "span_id",
    "parent_span_id",
    "span_name",
]


def events_insert(agent: Agent, rows: list[ReportedRequest]) -> None:
    """Insert with COPY on Postgres (Django's model instances and per-row insert compilation cost more
    than the database's work at thousands of events a second); ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        AgentRequestEvent.objects.bulk_create(
            [
                AgentRequestEvent(agent=agent, organization_id=agent.organization_id, **r._asdict())
                for r in rows
            ],
            batch_size=1000,
        )
        return
    head = (agent.pk, agent.organization_id)
    copy_rows(AgentRequestEvent, EVENT_COLUMNS, ((*head, *row) for row in rows))


def refuse_when_none_accepted(name: str, accepted: int, rejected: list[dict[str, Any]]) -> None:
    """A batch of which no item is valid is a 400 (with the first items' problems), not a 200 saying so."""
    if rejected and not accepted:
        details = {f"{name}.{r['index']}": r["errors"] for r in rejected[:20]}
        raise RuleViolation(
            f"None of the {len(rejected)} {name} is valid; nothing was stored.", details=details
        )


def agent_events_ingest(*, agent: Agent, events: Any, now: datetime | None = None) -> dict[str, Any]:
    """Store the valid items of a batch, and add them to the agent's rollups, in one transaction; report
    each refused item by its index. A batch is never half-written."""
    now = now or timezone.now()
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        raise RuleViolation(
            "The events are invalid.", details={"events": [f"A list of 1 to {MAX_EVENTS} request events."]}
        )
    rows: list[ReportedRequest] = []
    rejected = []
    for index, item in enumerate(events):
        row, problems = _event(item, now)
        if row is None:
            rejected.append({"index": index, "errors": problems})
        else:
            rows.append(row)
    refuse_when_none_accepted("events", len(rows), rejected)
    agent_requests_store(agent=agent, rows=rows, now=now)
    return {"accepted": len(rows), "rejected": rejected}


SEEN_EVERY = timedelta(seconds=5)


def agent_requests_store(
    *, agent: Agent, rows: list[ReportedRequest], now: datetime, alive: bool = False
) -> None:
    """Store checked requests and add them to the agent's rollups in the caller's transaction (or one of
    their own), then re-derive its status.

    ``alive``: the requests also count as a heartbeat (OTLP senders have no other one). The heartbeat
    clock then moves, and the status is re-derived, at most every ``SEEN_EVERY`` per agent: an agent
    sending dozens of batches a second does not pay two more queries and a row update for each one."""
    due = not alive or (
        agent.last_heartbeat_at is None
        or agent.status == AgentStatus.OFFLINE
        or now - agent.last_heartbeat_at >= SEEN_EVERY
    )
    with transaction.atomic(savepoint=False):
        Agent.objects.select_for_update().filter(pk=agent.pk).exists()  # one batch of an agent at a time
        events_insert(agent, rows)
        rollups_add(agent=agent, events=rows)
        if alive and due:
            agent_seen(agent=agent, now=now)
        if rows and due:  # the error rate and latency thresholds may now be crossed (or no longer)
            agent_status_refresh(agent=Agent.objects.select_related("organization").get(pk=agent.pk), now=now)


def agent_seen(*, agent: Agent, now: datetime) -> None:
    """Telemetry as a sign of life: the heartbeat clock moves, without touching reported checks."""
    came_back = agent.last_heartbeat_at is None or agent.status == AgentStatus.OFFLINE
    changes: dict[str, Any] = {
        "last_heartbeat_at": now,
        "offline_at": now + timedelta(seconds=agent.offline_after_seconds),
    }
    if came_back:
        changes["started_at"] = now
    Agent.objects.filter(pk=agent.pk).update(**changes)
