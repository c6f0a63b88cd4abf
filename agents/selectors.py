"""Reads of the agents domain: log search, and the fleet's figures (from rollups, status changes and
prices)."""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.dateparse import parse_datetime

from agents.choices import AgentStatus
from agents.costs import estimated_cost_usd
from agents.models import (
    Agent,
    AgentFleetRollup,
    AgentLog,
    AgentRequestEvent,
    AgentRollup,
    AgentStatusChange,
    ModelPrice,
)
from agents.rollup_selectors import AGENT_LEVELS, rollups_window, window_pieces
from agents.status_selectors import issues_many, issues_of
from agents.totals import Totals, merged
from agents.trace_selectors import TRACE_ID
from alerts.selectors import alerts_open
from monitoring_site.time_buckets import DAY, HOUR, MINUTE, Resolution, floor_to

WORD = re.compile(r"\w+", re.UNICODE)


class BadCursor(ValueError):
    pass


def agents_of(organization_id: int) -> QuerySet[Agent]:
    """The organization's agents."""
    return Agent.objects.filter(organization_id=organization_id)


def agent_by_ref(organization_id: int, ref: str) -> Agent | None:
    """The organization's agent by its external id, else by its number; None when neither names one."""
    found = agents_of(organization_id).filter(external_id=ref).first()
    if found is None and ref.isdigit():
        found = agents_of(organization_id).filter(pk=int(ref)).first()
    return found


def cursor_encode(log: AgentLog) -> str:
    return base64.urlsafe_b64encode(f"{log.timestamp.isoformat()}|{log.pk}".encode()).decode()


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().rsplit("|", 1)
        parsed = parse_datetime(stamp)
        if parsed is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("Not a cursor from a previous page.") from None


def _search(queryset: QuerySet[AgentLog], text: str) -> QuerySet[AgentLog]:
    """Lines holding every word of ``text``, through the database's full-text index."""
    words = WORD.findall(text.lower())
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=["search_vector @@ plainto_tsquery('simple', %s)"], params=[" ".join(words)]
        )
    match = " ".join(f'"{w}"' for w in words)  # each word quoted: FTS5 syntax in the text cannot break out
    return queryset.extra(
        where=[
            "agents_agentlog.id IN (SELECT rowid FROM agents_agentlog_fts WHERE agents_agentlog_fts MATCH %s)"
        ],
        params=[match],
    )


def logs_query(
    *, organization_id: int, filters: dict[str, Any], limit: int, cursor: str | None = None
) -> tuple[list[AgentLog], str | None]:
    """The newest lines first, filtered by tenant and time before the text; returns the page and the
    cursor of the next one (None on the last page)."""
    logs = AgentLog.objects.filter(organization_id=organization_id)
    if filters.get("agent_id"):
        logs = logs.filter(agent_id=filters["agent_id"])
    if filters.get("level"):
        logs = logs.filter(level=filters["level"])
    if filters.get("start_time"):
        logs = logs.filter(timestamp__gte=filters["start_time"])
    if filters.get("end_time"):
        logs = logs.filter(timestamp__lt=filters["end_time"])
    if cursor:
        stamp, pk = cursor_decode(cursor)
        logs = logs.filter(Q(timestamp__lt=stamp) | Q(timestamp=stamp, pk__lt=pk))
    if filters.get("search"):
        logs = _search(logs, filters["search"])
    page = list(logs.order_by("-timestamp", "-id")[: limit + 1])
    following = cursor_encode(page[limit - 1]) if len(page) > limit else None
    return page[:limit], following


@dataclass(frozen=True)
class LogRow:
    """A log line as the logs page shows it: with its agent's name, and whether its trace id opens a
    waterfall."""

    line: AgentLog
    agent_name: str
    trace_link: bool


def log_rows(lines: list[AgentLog], agent_names: dict[int, str]) -> list[LogRow]:
    """The page's lines as rows (``agent_names`` by agent id, from the page's agent picker)."""
    return [
        LogRow(line, agent_names.get(line.agent_id or 0, ""), bool(TRACE_ID.match(line.trace_id)))
        for line in lines
    ]


# --- fleet figures ---------------------------------------------------------------------------------------

PERIODS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


def uptime_percent(agents: list[Agent], start: datetime, end: datetime) -> dict[int, float | None]:
    """Per agent, the share of [start, end) not spent offline, from its status changes (two queries for
    any number of agents); for an agent registered after ``start``, the share of the time since then. None
    for an agent with no status yet."""
    ids = [a.pk for a in agents]
    before: dict[int, str] = {}
    for change in AgentStatusChange.objects.filter(agent_id__in=ids, at__lt=start).order_by(
        "agent_id", "-at", "-id"
    ):
        before.setdefault(change.agent_id, change.status)
    inside: dict[int, list[AgentStatusChange]] = defaultdict(list)
    for change in AgentStatusChange.objects.filter(agent_id__in=ids, at__gte=start, at__lt=end).order_by(
        "at", "id"
    ):
        inside[change.agent_id].append(change)
    result: dict[int, float | None] = {}
    for agent in agents:
        # an agent registered inside the window is judged on the time since its registration
        opened = max(start, agent.created_at) if agent.created_at else start
        status, since, up = before.get(agent.pk), opened, 0.0
        for change in inside[agent.pk]:
            if status is not None and status != AgentStatus.OFFLINE:
                up += (change.at - since).total_seconds()
            status, since = change.status, max(change.at, opened)
        if status is None:
            result[agent.pk] = None
            continue
        if status != AgentStatus.OFFLINE:
            up += (end - since).total_seconds()
        window = (end - opened).total_seconds()
        result[agent.pk] = round(min(100.0, 100.0 * up / window), 3) if window > 0 else None
    return result


def fleet_figures(agents: list[Agent], now: datetime) -> dict[int, dict[str, Any]]:
    """The list's per-agent metrics over 24 h: uptime, requests, average latency, error rate (hour
    rollups, one grouped query), and the agent's current issues."""
    start = now - PERIODS["24h"]
    rows = (
        AgentRollup.objects.filter(
            agent_id__in=[a.pk for a in agents], resolution=Resolution.HOUR, start__gte=start
        )
        .values("agent_id")
        .annotate(count=Sum("count"), failures=Sum("failures"), latency=Sum("latency_sum"))
    )
    by_agent = {row["agent_id"]: row for row in rows}
    uptimes = uptime_percent(agents, start, now)
    figures = {}
    for agent in agents:
        row = by_agent.get(agent.pk) or {"count": 0, "failures": 0, "latency": 0.0}
        count = row["count"] or 0
        figures[agent.pk] = {
            "uptime_percent": uptimes[agent.pk],
            "requests_24h": count,
            "avg_latency_ms": round(row["latency"] / count, 3) if count else None,
            "error_rate": round(100.0 * row["failures"] / count, 3) if count else None,
        }
    return figures


def _by_hour(
    organization_id: int, agent_id: int | None, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    rows = AgentRollup.objects.filter(
        organization_id=organization_id,
        resolution=Resolution.HOUR,
        start__gte=start,
        start__lt=end,
    )
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    hours: dict[datetime, Totals] = defaultdict(Totals)
    for row in rows:
        hours[row.start].add_rollup(row)
    return [
        {
            "hour": hour,
            "requests": t.count,
            "failed": t.failures,
            "avg_latency_ms": round(t.latency_sum / t.count, 3) if t.count else None,
            "p95_latency_ms": t.figures()["p95_latency_ms"],
        }
        for hour, t in sorted(hours.items())
    ]


def costs_summary(organization_id: int, by_model: dict[str, Totals]) -> dict[str, Any]:
    prices = {p.model: p for p in ModelPrice.objects.filter(organization_id=organization_id)}
    per_model = {
        model: {
            "input_tokens": t.input_tokens,
            "output_tokens": t.output_tokens,
            "requests": t.count,
            "estimated_cost_usd": round(
                estimated_cost_usd(prices, model, t.input_tokens, t.output_tokens), 6
            ),
        }
        for model, t in sorted(by_model.items())
    }
    return {
        "input_tokens": sum(m["input_tokens"] for m in per_model.values()),
        "output_tokens": sum(m["output_tokens"] for m in per_model.values()),
        "estimated_cost_usd": round(sum(m["estimated_cost_usd"] for m in per_model.values()), 6),
        "by_model": per_model,
    }


def agent_detail(agent: Agent, now: datetime) -> dict[str, Any]:
    """The detail's figures over 24 h: requests and latency (with by_hour), tokens and cost by model,
    recent errors."""
    start = now - PERIODS["24h"]
    by_model = rollups_window(organization_id=agent.organization_id, start=start, end=now, agent_id=agent.pk)
    total = merged(by_model).figures()
    errors = AgentRequestEvent.objects.filter(agent=agent, success=False).order_by("-timestamp")[:10]
    by_hour = _by_hour(agent.organization_id, agent.pk, start, now)
    return {
        "health": {
            "status": agent.status,
            "last_check": agent.last_heartbeat_at,
            "checks": agent.health_checks,
        },
        "metrics_detailed": {
            "requests": {
                "total": total["requests"],
                "successful": total["successful"],
                "failed": total["failed"],
                "by_hour": [
                    {"hour": h["hour"], "requests": h["requests"], "failed": h["failed"]} for h in by_hour
                ],
            },
            "latency": {
                "avg_ms": total["avg_latency_ms"],
                "p50_ms": total["p50_latency_ms"],
                "p95_ms": total["p95_latency_ms"],
                "p99_ms": total["p99_latency_ms"],
                "by_hour": [
                    {"hour": h["hour"], "avg_ms": h["avg_latency_ms"], "p95_ms": h["p95_latency_ms"]}
                    for h in by_hour
                ],
            },
            "tokens": costs_summary(agent.organization_id, by_model),
        },
        "recent_errors": [
            {
                "timestamp": e.timestamp,
                "error": e.error_type,
                "message": e.error_message,
                "request_id": e.request_id,
            }
            for e in errors
        ],
        "dependencies": agent.dependencies,
        "issues": issues_of(agent, now),
    }


def _top_issues(agents: list[Agent], now: datetime, limit: int = 10) -> list[dict[str, Any]]:
    """Degraded agents' issues first (at most ``limit`` agents, read in one query), then offline agents."""
    found: list[dict[str, Any]] = []
    degraded = [a for a in agents if a.status == AgentStatus.DEGRADED][:limit]
    issues_by_agent = issues_many(degraded, now)
    for agent in degraded:
        issues = issues_by_agent[agent.pk] or [
            {"type": "degraded", "message": "The agent reports itself degraded."}
        ]
        found += [{"agent_id": agent.pk, "agent": agent.name, **issue} for issue in issues]
    found += [
        {"agent_id": a.pk, "agent": a.name, "type": "offline", "message": "No heartbeat within its limit."}
        for a in agents
        if a.status == AgentStatus.OFFLINE
    ][:limit]
    return found[:limit]


def fleet_dashboard(organization_id: int, period: str, now: datetime) -> dict[str, Any]:
    start = now - PERIODS[period]
    agents = list(Agent.objects.filter(organization_id=organization_id))
    counts = {status: sum(1 for a in agents if a.status == status) for status in AgentStatus.values}
    by_model = rollups_window(organization_id=organization_id, start=start, end=now)
    total = merged(by_model).figures()
    scored = [a for a in agents if a.status != AgentStatus.PAUSED]
    # healthy counts fully, degraded half, offline nothing; paused agents are left out
    weights: dict[str, float] = {
        AgentStatus.HEALTHY: 1.0,
        AgentStatus.STARTING: 1.0,
        AgentStatus.STOPPING: 1.0,
        AgentStatus.DEGRADED: 0.5,
    }
    health_score = (
        round(100 * sum(weights.get(a.status, 0.0) for a in scored) / len(scored), 1) if scored else None
    )
    top_issues = _top_issues(agents, now)
    open_alerts = alerts_open(organization_id)
    active_alerts = list(
        open_alerts.order_by("-triggered_at").values("id", "title", "severity", "status", "triggered_at")[:10]
    )
    return {
        "period": period,
        "summary": {"total": len(agents), **counts, "health_score": health_score},
        "metrics": {
            **total,
            "success_rate_percent": round(100 - total["error_rate_percent"], 3)
            if total["error_rate_percent"] is not None
            else None,
        },
        "costs": costs_summary(organization_id, by_model),
        "active_alerts": active_alerts,
        "active_alerts_count": open_alerts.count(),
        "top_issues": top_issues,
    }


# --- request metrics over a window (the AI agent monitoring API's GET /metrics) ----------------------------

GRANULARITY_SIZES = {"minute": MINUTE, "hour": HOUR, "day": DAY}


def request_timeseries(
    *, organization_id: int, start: datetime, end: datetime, granularity: str, agent_id: int | None = None
) -> list[tuple[datetime, Totals]]:
    """One ``Totals`` per ``granularity`` step of [start, end), empty steps included, from the rollups of
    that resolution (an agent's days are summed from its hours)."""
    size = GRANULARITY_SIZES[granularity]
    rows: QuerySet
    if agent_id is None:
        rows = AgentFleetRollup.objects.filter(organization_id=organization_id, resolution=granularity)
    else:
        resolution = "hour" if granularity == "day" else granularity
        rows = AgentRollup.objects.filter(
            organization_id=organization_id, agent_id=agent_id, resolution=resolution
        )
    first = floor_to(start, size)
    buckets: dict[datetime, Totals] = defaultdict(Totals)
    for row in rows.filter(start__gte=first, start__lt=end).order_by().iterator():
        buckets[floor_to(row.start, size)].add_rollup(row)
    series, cursor = [], first
    while cursor < end:
        series.append((cursor, buckets.get(cursor) or Totals()))
        cursor += size
    return series


def requests_by_agent(*, organization_id: int, start: datetime, end: datetime) -> dict[int, int]:
    """Requests per agent over [start, end), from the coarsest agent rollups that fit (one query)."""
    covered = Q()
    for resolution, lo, hi in window_pieces(start, end, AGENT_LEVELS):
        covered |= Q(resolution=resolution, start__gte=lo, start__lt=hi)
    if not covered:
        return {}
    rows = (
        AgentRollup.objects.filter(covered, organization_id=organization_id)
        .order_by()
        .values("agent_id")
        .annotate(requests=Sum("count"))
    )
    return {row["agent_id"]: row["requests"] or 0 for row in rows}


def errors_by_type(
    *, organization_id: int, start: datetime, end: datetime, agent_id: int | None = None
) -> dict[str, int]:
    """Failed requests per ``error_type`` (``other`` when the agent gave none), from the request events
    (kept for ``AGENT_EVENT_RETENTION_DAYS``)."""
    events = AgentRequestEvent.objects.filter(
        organization_id=organization_id, timestamp__gte=start, timestamp__lt=end, success=False
    )
    if agent_id is not None:
        events = events.filter(agent_id=agent_id)
    counts: dict[str, int] = defaultdict(int)
    for row in events.order_by().values("error_type").annotate(n=Count("id")):
        counts[row["error_type"] or "other"] += row["n"]
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def agent_status_counts(organization_id: int) -> dict[str, int]:
    """How many of the organization's agents are in each status (every status, zeros too)."""
    rows = Agent.objects.filter(organization_id=organization_id).order_by().values_list("status")
    counts = dict(rows.annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in AgentStatus.values}


@dataclass(frozen=True)
class FleetRow:
    """One row of the fleet page: the agent and its 24-hour figures (``fleet_figures``)."""

    agent: Agent
    figures: dict[str, Any]


def fleet_rows(agents: list[Agent], now: datetime) -> list[FleetRow]:
    """The fleet page's rows for these agents, their figures read in one pass."""
    figures = fleet_figures(agents, now)
    return [FleetRow(agent, figures[agent.pk]) for agent in agents]
