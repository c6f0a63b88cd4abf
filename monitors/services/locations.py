"""Where a monitor is checked from, and the quorum that turns its locations' views into one status.

Each location keeps its own status (``MonitorLocation``), with the monitor's retries applied per location.
A monitor of one location (``["local"]``, the default) is decided by ``transitions.monitor_apply_outcome``
as before. A monitor of several goes down when at least ``quorum_needed`` of its live locations see it
down, and is up when fewer do and at least one sees it up (pending until one does).

A location with no result for ``PROBES_LOST_GRACE_SECONDS`` (and at least three intervals) is out of the
quorum: a probe that went silent neither holds a monitor down nor keeps it up, and the quorum is capped
at the number of locations still live (a new location is live for that grace before its first result).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from monitors.checks import CheckOutcome
from monitors.choices import MonitorStatus
from monitors.models import LOCAL, Monitor, MonitorLocation

LOCATION_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_LOCATIONS = 16


def location_name_error(name: Any) -> str:
    """Why ``name`` is not a location name, or an empty string when it is one."""
    if not isinstance(name, str) or not LOCATION_NAME.match(name):
        return f"{name!r} is not a location name: lower-case letters, digits and '-', up to 63 characters."
    return ""


def location_names_errors(locations: Any, minimum: int) -> list[str]:
    """Why ``locations`` is not a list of ``minimum`` to ``MAX_LOCATIONS`` location names (monitors' and
    probes'), or nothing."""
    if not isinstance(locations, list) or not minimum <= len(locations) <= MAX_LOCATIONS:
        return [f"A list of {minimum} to {MAX_LOCATIONS} location names."]
    return [p for p in (location_name_error(name) for name in locations) if p]


def locations_clean(data: dict[str, Any], current: Monitor | None) -> dict[str, list[str]]:
    """Check ``locations`` and ``quorum`` (in place: ``checks_local`` follows the locations); errors."""
    errors: dict[str, list[str]] = {}
    locations = data.get("locations", current.locations if current else [LOCAL])
    if "locations" in data:
        problems = location_names_errors(locations, minimum=1)
        if not problems and len(set(locations)) != len(locations):
            problems.append("Each location once.")
        if problems:
            errors["locations"] = problems
            return errors
        data["checks_local"] = LOCAL in locations
    quorum = data.get("quorum", current.quorum if current else None)
    if quorum is not None and not 1 <= quorum <= len(locations):
        errors["quorum"] = [f"Between 1 and the number of locations ({len(locations)}), or null."]
    return errors


def locations_sync(*, monitor: Monitor, now: datetime) -> None:
    """One ``MonitorLocation`` per location of the monitor (a new probe location is due at once); rows of
    locations it no longer has go, with their leases."""
    wanted = list(monitor.locations or [LOCAL])
    MonitorLocation.objects.filter(monitor=monitor).exclude(location__in=wanted).delete()
    have = set(MonitorLocation.objects.filter(monitor=monitor).values_list("location", flat=True))
    MonitorLocation.objects.bulk_create(
        [
            MonitorLocation(monitor=monitor, location=name, next_check_at=None if name == LOCAL else now)
            for name in wanted
            if name not in have
        ],
        ignore_conflicts=True,
    )


def locations_restart(*, monitor: Monitor, now: datetime) -> None:
    """On resume: every location starts pending, and probe locations are due at once."""
    rows = MonitorLocation.objects.filter(monitor=monitor)
    rows.update(status=MonitorStatus.PENDING, consecutive_failures=0)
    rows.exclude(location=LOCAL).update(next_check_at=now)


ROW_FIELDS = ["status", "consecutive_failures", "last_checked_at", "last_response_time_ms", "last_error"]


def location_step(*, row: MonitorLocation, monitor: Monitor, outcome: CheckOutcome, now: datetime) -> bool:
    """Apply one outcome to the location's row in memory (its retries applied; the caller saves
    ``ROW_FIELDS``). True when the location is retrying: the caller moves its next check (the row's, or
    for ``local`` the monitor's) to ``retry_interval`` from now."""
    row.last_checked_at = outcome.started_at or now
    row.last_response_time_ms = outcome.response_time_ms
    row.last_error = outcome.error[:500]
    if outcome.ok:
        row.consecutive_failures, row.status = 0, MonitorStatus.UP
        return False
    row.consecutive_failures += 1
    if row.consecutive_failures > monitor.retries:
        row.status = MonitorStatus.DOWN
        return False
    return True


def quorum_summary(view: dict[str, Any]) -> str:
    """The error text of a quorum decision: which locations see the monitor down, of how many (empty when
    none)."""
    down = view["down"]
    return (
        f"Down from {', '.join(down)} ({len(down)} of {view['reporting']} reporting locations; "
        f"quorum {view['needed']})"
        if down
        else ""
    )


def incident_locations(view: dict[str, Any]) -> dict[str, str]:
    """The incident's record of what each location saw (``lost`` for one out of the quorum)."""
    return {name: (v["status"] if v["counted"] else "lost") for name, v in view["locations"].items()}
