"""Host monitors: stats pushed by the host, compared with the monitor's thresholds.

A report over a threshold is a failed check; a host that stops reporting is failed by the dispatcher when
its due time passes without a report (``host_stale_outcome``). Both go through the same transitions as
active checks, so incidents, events and notifications behave the same.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from monitoring_site.errors import RuleViolation
from monitors.checks import CheckOutcome
from monitors.choices import MonitorType
from monitors.models import HostStat, Monitor
from monitors.services.transitions import monitors_record_outcomes

PUSH_PREFIX = "mhp_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def host_push_token_issue(*, monitor: Monitor) -> str:
    """A new push token for the host (the old one stops working); returned once, stored hashed."""
    token = PUSH_PREFIX + secrets.token_urlsafe(24)
    Monitor.objects.filter(pk=monitor.pk).update(push_token_hash=_hash(token))
    return token


def host_monitor_for_token(*, monitor_id: int, token: str) -> Monitor | None:
    """The host monitor ``monitor_id`` whose push token is ``token`` (compared hashed), else None."""
    if not token.startswith(PUSH_PREFIX):
        return None
    return Monitor.objects.filter(pk=monitor_id, type=MonitorType.HOST, push_token_hash=_hash(token)).first()


def _percent(value: Any, field: str, errors: dict[str, list[str]]) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 100
    ):
        errors[field] = ["A percentage from 0 to 100."]
        return None
    return float(value)


def _verdict(monitor: Monitor, stat: HostStat) -> str:
    over = []
    for field in ("cpu", "mem", "cache"):
        limit, value = monitor.thresholds.get(field), getattr(stat, field)
        if limit is not None and value is not None and value > limit:
            over.append(f"{field} {value:g}% > {limit:g}%")
    disk_limit = monitor.thresholds.get("disk")
    for disk in stat.disk if disk_limit is not None else []:
        if disk["value"] > disk_limit:
            over.append(f"disk {disk['name']} {disk['value']:g}% > {disk_limit:g}%")
    return "; ".join(over)


def host_stats_record(*, monitor: Monitor, data: dict[str, Any], now: datetime | None = None) -> HostStat:
    """Store one report and apply it as a check: over a threshold fails, otherwise passes."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    values = {field: _percent(data.get(field), field, errors) for field in ("cpu", "mem", "cache")}
    disks = data.get("disk") or []
    if not isinstance(disks, list) or any(
        not isinstance(d, dict)
        or not isinstance(d.get("name"), str)
        or _percent(d.get("value"), "disk", errors) is None
        for d in disks
    ):
        errors.setdefault("disk", ['A list of {"name", "value"} with value a percentage.'])
    if errors:
        raise RuleViolation("The stats are invalid.", details=errors)
    stat = HostStat.objects.create(monitor=monitor, received_at=now, disk=disks, **values)
    verdict = _verdict(monitor, stat)
    outcome = CheckOutcome(ok=not verdict, error=verdict, started_at=now)
    monitors_record_outcomes(checks=[(monitor, outcome, None)], now=now)
    # The next report is due within the interval; the dispatcher fails the host if none arrives.
    Monitor.objects.filter(pk=monitor.pk).update(next_check_at=now + host_grace(monitor))
    return stat


def host_grace(monitor: Monitor) -> timedelta:
    """How long a host may stay silent before it is down: two intervals."""
    return timedelta(seconds=monitor.check_interval * 2)


def host_stale_outcome(monitor: Monitor) -> CheckOutcome:
    """The failed check a host monitor gets when no stats arrived within its grace."""
    return CheckOutcome.failed(f"No stats received for {int(host_grace(monitor).total_seconds())} seconds")
