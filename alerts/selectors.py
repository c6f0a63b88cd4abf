"""Read queries of the alerts domain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse

from alerts.choices import OPEN_ALERT_STATUSES, AlertStatus, Severity
from alerts.models import Alert, AlertRule, Event, MaintenanceWindow, NotificationChannel
from alerts.transports import TRANSPORTS
from alerts.transports.base import mask_secret
from monitoring_site.metrics.selectors import metric_series, metric_value


def rules_of(organization_id: int) -> QuerySet[AlertRule]:
    """The organization's alert rules with their channels and each rule's ``alert_count``."""
    return (
        AlertRule.objects.filter(organization_id=organization_id)
        .prefetch_related("channels")
        .annotate(alert_count=Count("alerts"))
    )


def channels_of(organization_id: int) -> QuerySet[NotificationChannel]:
    """The organization's notification channels."""
    return NotificationChannel.objects.filter(organization_id=organization_id)


def alerts_of(organization_id: int) -> QuerySet[Alert]:
    """The organization's alerts, open or not."""
    return Alert.objects.filter(organization_id=organization_id)


def alert_of(organization_id: int, ref: str | int) -> Alert | None:
    """The organization's alert by id; None for another organization's or none."""
    text = str(ref)
    return alerts_of(organization_id).filter(pk=int(text)).first() if text.isdigit() else None


def alerts_open(organization_ids: int | Iterable[int]) -> QuerySet[Alert]:
    """The active and acknowledged alerts of one organization (or of several)."""
    ids = [organization_ids] if isinstance(organization_ids, int) else list(organization_ids)
    return Alert.objects.filter(organization_id__in=ids, status__in=OPEN_ALERT_STATUSES)


def alerts_active(organization_id: int) -> QuerySet[Alert]:
    """The organization's alerts nobody has acknowledged yet."""
    return Alert.objects.filter(organization_id=organization_id, status=AlertStatus.ACTIVE)


def maintenance_in_effect(organization_id: int, now: datetime) -> list[MaintenanceWindow]:
    """The organization's maintenance windows open at ``now`` (one query; recurrence is read in Python),
    with their tag and status-page subjects resolved."""
    windows = MaintenanceWindow.objects.filter(organization_id=organization_id, is_active=True)
    return windows_resolved([w for w in windows if w.is_in_effect(now)])


def maintenance_one_off_since(
    organization_id: int, since: datetime, now: datetime
) -> list[MaintenanceWindow]:
    """The organization's one-off (not recurring) windows that started by ``now`` and ended after ``since``,
    with their subjects resolved."""
    windows = MaintenanceWindow.objects.filter(
        organization_id=organization_id,
        is_active=True,
        starts_at__isnull=False,
        starts_at__lte=now,
        ends_at__gte=since,
        cron="",
    )
    return windows_resolved(list(windows))


def alert_summary(alerts: QuerySet[Alert]) -> dict[str, int]:
    counts = dict(alerts.order_by().values_list("severity").annotate(n=Count("id")))
    return {severity: counts.get(severity, 0) for severity in Severity.values}


def event_bodies_after(
    organization_id: int, names: Iterable[str], after: datetime, limit: int
) -> list[dict[str, Any]]:
    """The outbox's record of the organization's events named ``names`` that occurred after ``after``: the
    latest ``limit`` of them, oldest first (what a WebSocket subscriber that reconnects has missed)."""
    rows = (
        Event.objects.filter(organization_id=organization_id, name__in=list(names), occurred_at__gt=after)
        .order_by("-occurred_at")
        .values_list("body", flat=True)[:limit]
    )
    return list(reversed(rows))


def channel_config_shown(channel: NotificationChannel) -> dict[str, Any]:
    """A channel's settings as people and API clients see them once saved: secrets (webhook, Slack and
    Apprise URLs carry tokens) masked. Sent back unchanged, a masked value keeps the stored secret."""
    secret = {f.name for f in TRANSPORTS[channel.kind].fields if f.secret}
    return {k: (mask_secret(v) if k in secret else v) for k, v in (channel.config or {}).items()}


def alert_subject(alert: Alert) -> tuple[str, str, str] | None:
    """What the alert is about, as (kind, label, dashboard path): the monitor, heartbeat or agent its
    rule's scope names, else the rule itself; None when the rule is gone."""
    scope = alert.scope or {}
    for key, kind, model, route in (
        ("monitor_id", "monitor", "monitors.Monitor", "monitors:detail"),
        ("heartbeat_id", "heartbeat", "monitors.Heartbeat", "monitors:heartbeat"),
        ("agent_id", "agent", "agents.Agent", "agents:detail"),
    ):
        if scope.get(key):
            try:
                pk = int(scope[key])
                path = reverse(route, args=[pk])
            except (NoReverseMatch, TypeError, ValueError):
                return None
            rows = apps.get_model(model).objects.filter(organization_id=alert.organization_id, pk=pk)
            name = rows.values_list("name", flat=True).first()
            return kind, f"{kind} {name}" if name else f"{kind} {pk} (deleted)", path
    if alert.rule_id:
        return (
            "rule",
            alert.rule.name if alert.rule else "",
            reverse("alerts:rule-edit", args=[alert.rule_id]),
        )
    return None


def alert_chart(alert: Alert, now: datetime) -> dict[str, Any]:
    """The alert's metric from an hour before the trigger to its resolution (or now), a point a minute
    (an hour past a day), with the threshold: what the detail page draws."""
    start = alert.triggered_at - timedelta(hours=1)
    end = min(now, (alert.resolved_at or now) + timedelta(minutes=15))
    granularity = "minute" if end - start <= timedelta(hours=25) else "hour"
    series = metric_series(
        organization_id=alert.organization_id,
        name=alert.metric,
        start=start,
        end=end,
        granularity=granularity,
        scope=metrics_scope(alert.scope or {}),
    )
    rows = series["timeseries"]
    return {
        "t": [int(row["timestamp"].timestamp()) for row in rows],
        "value": [row["avg"] for row in rows],
        "threshold": alert.threshold_value,
        "triggered_at": int(alert.triggered_at.timestamp()),
        "unit": series["metric"].get("unit", ""),
    }


def alert_condition_now(alert: Alert, now: datetime) -> float | None:
    """The metric's value now, if the alert's rule would still fire on it (the warning shown before
    resolving by hand: it would open again at the next evaluation); None when it no longer holds."""
    rule = alert.rule
    if rule is None:
        return None
    value = metric_value(
        organization_id=alert.organization_id,
        name=rule.metric,
        start=now - timedelta(seconds=max(rule.check_interval, 60)),
        end=now,
        scope=metrics_scope(rule.scope or {}),
    )
    return value if value is not None and rule.holds(value) else None


def metrics_scope(scope: dict[str, Any]) -> dict[str, Any]:
    """A rule's scope as metric readers take it: ``{"tag": "k:v"}`` becomes ``{"tags": {"k": "v"}}``."""
    if "tag" in scope:
        key, _, value = str(scope["tag"]).partition(":")
        return {"tags": {key: value}}
    return dict(scope)


def windows_resolved(windows: list[MaintenanceWindow]) -> list[MaintenanceWindow]:
    """Give each window's tag and status-page subjects as the monitors and heartbeats they name now
    (``window.covered``), so ``covers`` answers for them: at most one query per model, and none when no
    window names a tag or a page."""
    tags = {s.get("name") for w in windows for s in w.subjects or [] if s.get("type") == "tag"}
    pages = {s.get("id") for w in windows for s in w.subjects or [] if s.get("type") == "status_page"}
    if not tags and not pages:
        return windows
    organizations = {w.organization_id for w in windows}
    by_tag: dict[tuple[int, str], set[tuple[str, int]]] = {}
    for kind, model in (("monitor", "monitors.Monitor"), ("heartbeat", "monitors.Heartbeat")) if tags else ():
        rows = apps.get_model(model).objects.filter(organization_id__in=organizations)
        for pk, organization_id, carried in rows.values_list("pk", "organization_id", "tags"):
            for tag in set(carried or ()) & tags:
                by_tag.setdefault((organization_id, tag), set()).add((kind, pk))
    by_page: dict[int, set[tuple[str, int]]] = {}
    components = apps.get_model("monitors.StatusPageComponent").objects.filter(
        page_id__in=pages, page__organization_id__in=organizations
    )
    for page_id, monitor_id, heartbeat_id in components.values_list("page_id", "monitor_id", "heartbeat_id"):
        by_page.setdefault(page_id, set()).add(
            ("monitor", monitor_id) if monitor_id else ("heartbeat", heartbeat_id)
        )
    for w in windows:
        covered: set[tuple[str, int]] = set()
        for s in w.subjects or []:
            if s.get("type") == "tag":
                covered |= by_tag.get((w.organization_id, s.get("name")), set())
            elif s.get("type") == "status_page":
                covered |= by_page.get(s.get("id"), set())
        w.covered = frozenset(covered)
    return windows


@dataclass(frozen=True)
class WindowRow:
    """A maintenance window as the list shows it: its state now (scheduled, in effect, ended, off) and
    what it covers, by name."""

    window: MaintenanceWindow
    state: str
    subject_names: list[str]


def maintenance_rows(organization_id: int, now: datetime) -> list[WindowRow]:
    """The organization's windows, newest first, as rows (two queries for any number of windows)."""
    windows = list(MaintenanceWindow.objects.filter(organization_id=organization_id).order_by("-id"))
    wanted: dict[str, set[int]] = {}
    for w in windows:
        for s in w.subjects or []:
            if isinstance(s.get("id"), int):
                wanted.setdefault(str(s.get("type")), set()).add(s["id"])
    names: dict[tuple[str, Any], str] = {}
    for kind, model in (
        ("monitor", "monitors.Monitor"),
        ("heartbeat", "monitors.Heartbeat"),
        ("status_page", "monitors.StatusPage"),
    ):
        rows = apps.get_model(model).objects.filter(
            organization_id=organization_id, pk__in=wanted.get(kind, ())
        )
        names.update({(kind, pk): name for pk, name in rows.values_list("pk", "name")})
    names.update(
        {(kind, pk): f"status page {name}" for (kind, pk), name in names.items() if kind == "status_page"}
    )
    return [
        WindowRow(
            w,
            w.state(now),
            [
                f"tag {s.get('name')}"
                if s.get("type") == "tag"
                else names.get((str(s.get("type")), s.get("id")), f"{s.get('type')} {s.get('id')}")
                for s in w.subjects or []
            ],
        )
        for w in windows
    ]
