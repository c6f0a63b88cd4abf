"""The scheduler: claim due monitors (each row's due time moves forward as it is claimed), run them in
batches, record what they found. Beat only triggers ``monitors_dispatch``; the database holds every due time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from monitoring_site.errors import RuleViolation
from monitors.checks import CheckOutcome, check_many
from monitors.choices import MonitorType
from monitors.models import Monitor
from monitors.services.host_stats import host_stale_outcome
from monitors.services.transitions import monitors_record_outcomes

FAR_FUTURE = timedelta(days=3650)
MAX_INTERVAL_SECONDS = 31 * 86400  # the longest check interval (the API refuses more)


class Claim(NamedTuple):
    """A claimed check: the monitor, the due time it runs for, and the next due time the claim set (a batch
    that finds another value there was overtaken by a later claim or an edit)."""

    pk: int
    due: datetime
    next_due: datetime


def monitors_claim_due(*, now: datetime, limit: int = 500, lookahead: float = 0.0) -> list[Claim]:
    """Claim up to ``limit`` monitors due within ``lookahead`` seconds and return (id, due time) pairs;
    the batch waits for each due time, so checks start on time rather than up to a dispatch tick late.

    Postgres skips rows another dispatcher has locked; SQLite's IMMEDIATE transaction serializes
    dispatchers. The next due time follows the schedule (due + interval) unless that is already past.
    """
    with transaction.atomic():
        horizon = now + timedelta(seconds=lookahead)
        due = Monitor.objects.filter(
            is_enabled=True, is_paused=False, checks_local=True, next_check_at__lte=horizon
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(
            due.order_by("next_check_at").only("id", "check_interval", "next_check_at", "expires_at")[:limit]
        )
        claimed = []
        for monitor in rows:
            scheduled = monitor.next_check_at
            if monitor.is_expired(now):
                monitor.next_check_at = now + FAR_FUTURE  # expired: parked until extended
                continue
            # Bounded so that a row stored before intervals were validated cannot stop every dispatch.
            step = timedelta(seconds=min(monitor.check_interval, MAX_INTERVAL_SECONDS))
            upcoming = scheduled + step
            monitor.next_check_at = upcoming if upcoming > horizon else now + step
            claimed.append(Claim(monitor.pk, scheduled, monitor.next_check_at))
        Monitor.objects.bulk_update(rows, ["next_check_at"])
    return claimed


def _moment(value: str | datetime | None) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else value


def monitors_check_batch(*, items: list[Sequence[Any]], now: datetime | None = None) -> dict[str, int]:
    """Check the monitors of one batch concurrently and record the results; gone monitors are skipped.
    Items are ``(id, due)`` or ``(id, due, next_due)`` (a ``Claim``)."""
    now = now or timezone.now()
    due_times = {int(item[0]): _moment(item[1]) for item in items}
    claimed_next = {int(item[0]): _moment(item[2]) for item in items if len(item) > 2}
    found = list(Monitor.objects.filter(pk__in=due_times, is_enabled=True, is_paused=False))
    # A batch that waited (a backlog, a stall, a redelivery after a worker died) still runs, late and once,
    # unless the monitor was claimed again since (its next due time moved on): then it is dropped, never
    # doubled. A batch without the claim's next due time falls back to its age.
    monitors = [m for m in found if not _stale(due_times[m.pk], claimed_next.get(m.pk), m, now)]
    stale = len(found) - len(monitors)
    if not monitors:
        return {"stale": stale} if stale else {}
    hosts = [m for m in monitors if m.type == MonitorType.HOST]
    active = [m for m in monitors if m.type != MonitorType.HOST]
    outcomes = asyncio.run(check_many(active, {pk: due for pk, due in due_times.items() if due is not None}))
    checks = [(m, o, due_times[m.pk]) for m, o in zip(active, outcomes, strict=True)]
    # A host is due only when its reports stopped; one that reported after its due time is alive.
    for host in hosts:
        due = due_times[host.pk]
        if not (host.last_checked_at and due and host.last_checked_at >= due):
            checks.append((host, host_stale_outcome(host), due))
    counts = monitors_record_outcomes(checks=checks, now=now) if checks else {}
    return {**counts, "stale": stale} if stale else counts


def _stale(due: datetime | None, next_due: datetime | None, monitor: Monitor, now: datetime) -> bool:
    if next_due is not None:
        return abs((monitor.next_check_at - next_due).total_seconds()) > 0.001
    return due is not None and (now - due).total_seconds() > monitor.check_interval


def monitor_check_now(*, monitor: Monitor) -> tuple[str, CheckOutcome]:
    """``POST /monitors/{id}/check``: run the check at once, record it, return (status, outcome)."""
    if monitor.type == MonitorType.HOST:
        raise RuleViolation(
            "Host monitors are not checked: the host pushes its stats.",
            details={"type": ["POST /monitors/{id}/stats from the host instead."]},
        )
    outcome = asyncio.run(check_many([monitor]))[0]
    counts = monitors_record_outcomes(checks=[(monitor, outcome, None)], now=timezone.now())
    return next(iter(counts)), outcome
