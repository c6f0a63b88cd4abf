"""The ping path's writes, below the ORM: at thousands of pings a second, Django's per-row compilation
(``bulk_create``, ``bulk_update``, field preparation) cost more than the database work. Postgres gets
``COPY`` for the pings and one ``UPDATE ... FROM (VALUES ...)`` for the heartbeats; SQLite gets
``executemany``, whose loop runs in C. Identifiers come from the models; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from monitoring_site.bulk_copy import insert_rows, sqlite_value
from monitors.models import Heartbeat, HeartbeatPing

PING_COLUMNS = [
    "heartbeat_id",
    "received_at",
    "kind",
    "exit_status",
    "rid",
    "duration",
    "method",
    "remote_addr",
    "user_agent",
    "body",
]
STATE_COLUMNS = {  # column: its Postgres type, for the VALUES list's casts
    "status": "varchar",
    "last_ping_at": "timestamptz",
    "last_start_at": "timestamptz",
    "last_duration": "double precision",
    "late_at": "timestamptz",
    "down_at": "timestamptz",
}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def pings_insert(rows: Sequence[Sequence[Any]]) -> None:
    """Insert pings given as tuples in ``PING_COLUMNS`` order."""
    insert_rows(HeartbeatPing, PING_COLUMNS, rows)


def heartbeats_write_state(heartbeats: Sequence[Any]) -> None:
    """Write the state columns of each heartbeat (no ``updated_at``: that tracks configuration)."""
    if not heartbeats:
        return
    names = list(STATE_COLUMNS)
    table = _quote(Heartbeat._meta.db_table)
    values = [[getattr(h, name) for name in names] + [h.pk] for h in heartbeats]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: the statement's text is the same for any batch size, so psycopg
            # prepares it once instead of parsing thousands of placeholders per batch.
            arrays = ", ".join(f"%s::{STATE_COLUMNS[n]}[]" for n in names)
            aliases = ", ".join(_quote(n) for n in names)
            assignments = ", ".join(f"{_quote(n)} = v.{_quote(n)}" for n in names)
            sql = (
                f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}, %s::bigint[]) "  # noqa: S608
                f"AS v({aliases}, id) WHERE t.id = v.id"
            )
            cursor.execute(sql, [list(column) for column in zip(*values, strict=True)])
            return
        assignments = ", ".join(f"{_quote(n)} = %s" for n in names)
        sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608
        cursor.executemany(sql, [[sqlite_value(v) for v in row_values] for row_values in values])


LOCKED_COLUMNS = (
    "id",
    "token",
    "is_paused",
    "run_interval",
    "cron",
    "timezone",
    "grace_period",
    *STATE_COLUMNS,
)


class HeartbeatState:
    """The columns of a heartbeat that a ping batch reads and writes, without a model instance: building
    Django models (and running their field converters) for every locked row cost a third of a batch."""

    __slots__ = LOCKED_COLUMNS

    def __init__(self, *values: Any) -> None:
        for name, value in zip(LOCKED_COLUMNS, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id  # type: ignore[attr-defined]


def heartbeats_lock(tokens: set[str]) -> list[Any]:
    """The state (``HeartbeatState``) of the heartbeats of these tokens, locked for the batch's
    transaction (Postgres: ``FOR UPDATE`` with one array parameter, rows read as plain tuples; SQLite: its
    IMMEDIATE transaction already serializes writers, and values_list converts without building models)."""
    if connection.vendor == "postgresql":
        table = _quote(Heartbeat._meta.db_table)
        columns = ", ".join(_quote(c) for c in LOCKED_COLUMNS)
        sql = f"SELECT {columns} FROM {table} WHERE token = ANY(%s) ORDER BY id FOR UPDATE"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(tokens)])
            return [HeartbeatState(*row) for row in cursor.fetchall()]
    rows = Heartbeat.objects.filter(token__in=tokens).order_by("pk").values_list(*LOCKED_COLUMNS)
    return [HeartbeatState(*row) for row in rows]
