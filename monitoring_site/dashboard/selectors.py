"""What the overview shows: "is anything broken?" as counters, a worst-first list of what needs attention,
and the latest events. Reads only; each figure comes from the domain's own tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from agents.choices import AgentStatus
from agents.models import Agent
from alerts.choices import AlertStatus, Severity
from alerts.selectors import alert_summary, alerts_active, alerts_open
from jobs.choices import JobStatus
from jobs.models import Job
from monitoring_site.events import events_after
from monitoring_site.realtime.topics import TOPICS
from monitors.choices import HeartbeatStatus, IncidentStatus, MonitorStatus
from monitors.models import Heartbeat, Incident, Monitor

ATTENTION_MAX = 25
FEED_MAX = 20
SUBJECT_KEYS = ("monitor", "heartbeat", "alert", "agent", "job", "incident", "status_page")
SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 3}


def _by_status(rows: QuerySet, statuses: list[str]) -> dict[str, int]:
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in statuses}


def overview_counters(organization: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    agents = Agent.objects.filter(organization=organization, last_heartbeat_at__isnull=False)
    return {
        "monitors": _by_status(Monitor.objects.filter(organization=organization), MonitorStatus.values),
        "heartbeats": _by_status(Heartbeat.objects.filter(organization=organization), HeartbeatStatus.values),
        "open_incidents": Incident.objects.filter(
            organization=organization, status=IncidentStatus.OPEN
        ).count(),
        "alerts": alert_summary(alerts_active(organization.pk)),
        "agents_unwell": agents.filter(status__in=[AgentStatus.DEGRADED, AgentStatus.OFFLINE]).count(),
        "jobs_failed_hour": Job.objects.filter(
            organization=organization, status=JobStatus.FAILED, completed_at__gte=now - timedelta(hours=1)
        ).count(),
    }


def _item(
    rank: int, kind: str, name: str, url: str, state: str, since: datetime | None, detail: str = ""
) -> dict[str, Any]:
    return {
        "rank": rank,
        "kind": kind,
        "name": name,
        "url": url,
        "state": state,
        "since": since,
        "detail": detail,
    }


def _last_ping(at: datetime | None) -> str:
    return f"last ping {at:%Y-%m-%d %H:%M} UTC" if at else "never pinged"


def needs_attention(organization: Any, now: datetime | None = None) -> list[dict[str, Any]]:
    """Everything that is broken or about to be, worst first (then longest first)."""
    now = now or timezone.now()
    items = []
    for incident in Incident.objects.filter(
        organization=organization, status=IncidentStatus.OPEN, monitor__isnull=False
    ).select_related("monitor")[:ATTENTION_MAX]:
        monitor = incident.monitor
        assert monitor is not None  # filtered on above
        url = reverse("monitors:detail", args=[monitor.pk])
        items.append(
            _item(0, "monitor", monitor.name, url, "down", incident.started_at, incident.error_message)
        )
    for heartbeat in Heartbeat.objects.filter(
        organization=organization, status__in=[HeartbeatStatus.DOWN, HeartbeatStatus.LATE]
    )[:ATTENTION_MAX]:
        down = heartbeat.status == HeartbeatStatus.DOWN
        items.append(
            _item(
                0 if down else 2,
                "heartbeat",
                heartbeat.name,
                reverse("monitors:heartbeat", args=[heartbeat.pk]),
                heartbeat.status,
                heartbeat.down_at if down else heartbeat.late_at,
                _last_ping(heartbeat.last_ping_at),
            )
        )
    open_alerts = alerts_open(organization.pk)
    for alert in open_alerts[:ATTENTION_MAX]:
        acknowledged = alert.status == AlertStatus.ACKNOWLEDGED
        items.append(
            _item(
                SEVERITY_RANK.get(alert.severity, 3) + (2 if acknowledged else 0),
                "alert",
                alert.title,
                reverse("alerts:list") + f"#alert-{alert.pk}",
                f"{alert.severity}{' (acknowledged)' if acknowledged else ''}",
                alert.triggered_at,
                alert.message,
            )
        )
    for agent in Agent.objects.filter(
        organization=organization,
        last_heartbeat_at__isnull=False,
        status__in=[AgentStatus.OFFLINE, AgentStatus.DEGRADED],
    )[:ATTENTION_MAX]:
        items.append(
            _item(
                1 if agent.status == AgentStatus.OFFLINE else 2,
                "agent",
                agent.name,
                reverse("agents:detail", args=[agent.pk]),
                agent.status,
                agent.last_heartbeat_at,
            )
        )
    failed = (
        Job.objects.filter(
            organization=organization, status=JobStatus.FAILED, completed_at__gte=now - timedelta(hours=1)
        )
        .select_related("task")
        .order_by("-completed_at")[:ATTENTION_MAX]
    )
    for job in failed:
        url = reverse("jobs:job", args=[job.pk])
        items.append(_item(2, "job", job.task.name, url, "failed", job.completed_at, job.error))
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda item: (item["rank"], item["since"] or epoch))
    return items[:ATTENTION_MAX]


def _event_link(data: dict[str, Any]) -> str:
    for key, route in (
        ("monitor", "monitors:detail"),
        ("heartbeat", "monitors:heartbeat"),
        ("agent", "agents:detail"),
        ("job", "jobs:job"),
    ):
        subject = data.get(key)
        if isinstance(subject, dict) and isinstance(subject.get("id"), int):
            return reverse(route, args=[subject["id"]])
    if isinstance(data.get("alert"), dict):
        return reverse("alerts:list")
    if isinstance(data.get("incident"), dict):
        return reverse("monitors:incidents")
    return ""


def recent_events(organization: Any, now: datetime | None = None) -> list[dict[str, Any]]:
    """The day's latest events, newest first, each with a link to its subject (seeds the live feed)."""
    now = now or timezone.now()
    messages = events_after(organization.pk, TOPICS, now - timedelta(days=1), FEED_MAX)
    for message in messages:
        data = message["data"]
        subject: dict[str, Any] = next((data[k] for k in SUBJECT_KEYS if isinstance(data.get(k), dict)), {})
        message["subject"] = subject.get("name") or subject.get("title") or subject.get("id") or ""
        message["url"] = _event_link(data)
    return list(reversed(messages))
