"""What the dashboard's monitor list reads: one page of monitors in the chosen order, the last check results
of each (the strip of coloured beats, in one query), the organization's tags and its counts by status.

Sorting and paging run in the database on indexed columns (``status``, ``uptime_24h`` and the rest are
stored on the monitor by the services), so the page costs the same at 10 monitors and at 10,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from alerts.selectors import maintenance_in_effect
from monitors.choices import MonitorStatus
from monitors.models import CheckResult, Heartbeat, Monitor
from monitors.selectors import display_status

STRIP = 50  # check results shown per row, newest on the right
# Down first, then what is not known to be up, then up, then what is not checked.
STATUS_RANK = {
    MonitorStatus.DOWN: 0,
    MonitorStatus.PENDING: 1,
    MonitorStatus.UP: 2,
    MonitorStatus.PAUSED: 3,
}
SORTS: dict[str, tuple[str, ...]] = {
    "status": ("status_rank", "name", "id"),
    "name": ("name", "id"),
    "type": ("type", "name", "id"),
    "uptime": ("uptime_24h", "name", "id"),
    "response": ("last_response_time_ms", "name", "id"),
    "checked": ("last_checked_at", "name", "id"),
}
DEFAULT_SORT = "status"


@dataclass(frozen=True)
class Beat:
    """One check result as the strip shows it."""

    checked_at: datetime
    ok: bool
    response_time_ms: float | None
    status_code: int | None
    error: str


def sort_key(value: str) -> tuple[str, bool]:
    """``value`` is a column name, ``-`` first for descending; anything else is the default order."""
    name = value.removeprefix("-")
    if name not in SORTS:
        return DEFAULT_SORT, False
    return name, value.startswith("-")


def ordered(rows: QuerySet[Monitor], sort: str) -> QuerySet[Monitor]:
    """``rows`` in the order of ``sort`` (see :func:`sort_key`); monitors with no figure yet go last."""
    name, descending = sort_key(sort)
    rank = Case(
        *(When(status=status, then=Value(n)) for status, n in STATUS_RANK.items()),
        default=Value(len(STATUS_RANK)),
        output_field=IntegerField(),
    )
    rows = rows.annotate(status_rank=rank)
    first, *rest = SORTS[name]
    column = F(first)
    lead = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return rows.order_by(lead, *rest)


def recent_beats(monitor_ids: list[int], per_monitor: int = STRIP) -> dict[int, list[Beat]]:
    """The last ``per_monitor`` results of each monitor, oldest first: one statement of per-monitor
    index scans (``UNION ALL`` of ``LIMIT``ed subqueries, which both SQLite and Postgres run on the
    (monitor, -checked_at) index) instead of a window over every stored result."""
    beats: dict[int, list[Beat]] = {pk: [] for pk in monitor_ids}
    if not monitor_ids:
        return beats
    table = connection.ops.quote_name(CheckResult._meta.db_table)
    columns = "id, monitor_id, checked_at, ok, response_time_ms, status_code, error"
    # only the table's own name and numbers are formatted in; the values are parameters
    latest = f"SELECT {columns} FROM {table} WHERE monitor_id = %s ORDER BY checked_at DESC LIMIT %s"  # noqa: S608
    part = f"SELECT * FROM ({latest}) AS r{{n}}"  # noqa: S608
    sql = " UNION ALL ".join(part.format(n=n) for n in range(len(monitor_ids)))
    params: list[Any] = [value for pk in monitor_ids for value in (pk, per_monitor)]
    for row in CheckResult.objects.raw(sql, params):  # raw() converts the columns as the model does
        beats[row.monitor_id].append(
            Beat(row.checked_at, row.ok, row.response_time_ms, row.status_code, row.error)
        )
    for found in beats.values():
        found.sort(key=lambda beat: beat.checked_at)
    return beats


def subject_tags(organization_id: int) -> list[str]:
    """Every tag on the organization's monitors and heartbeats, sorted (what a maintenance window can
    cover by tag)."""
    tags = set(organization_tags(organization_id))
    for row in Heartbeat.objects.filter(organization_id=organization_id).values_list("tags", flat=True):
        tags.update(tag for tag in row or () if isinstance(tag, str))
    return sorted(tags, key=str.lower)


def organization_tags(organization_id: int) -> list[str]:
    """Every tag used by the organization's monitors, sorted (for the tag filter's chips)."""
    tags: set[str] = set()
    for row in Monitor.objects.filter(organization_id=organization_id).values_list("tags", flat=True):
        tags.update(tag for tag in row or () if isinstance(tag, str))
    return sorted(tags, key=str.lower)


@dataclass(frozen=True)
class MonitorRow:
    """One row of the monitor list: the monitor, the status people see (``maintenance`` while a window
    covers it) and its strip of last results."""

    monitor: Monitor
    shown_status: str
    beats: list[Beat]


def monitor_rows(monitors: list[Monitor], organization_id: int, now: datetime) -> list[MonitorRow]:
    """The list page's rows for these monitors: the windows in effect and the strips, in two queries."""
    windows = maintenance_in_effect(organization_id, now)
    beats = recent_beats([m.pk for m in monitors])
    return [MonitorRow(m, display_status(m, windows), beats[m.pk]) for m in monitors]
