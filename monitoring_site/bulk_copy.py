"""Writing thousands of rows a second, the one helper every hot path uses (pings, telemetry, spans, log
lines): ``COPY`` on Postgres. Django's ``bulk_create`` builds a model instance per row and compiles a
parameter per value, which cost more than the database's own work at the rates these arrive at."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Postgres only: each row's values in ``columns`` order (JSON columns as JSON text)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)


def sqlite_value(value: Any) -> Any:
    """A value as Django stores it on SQLite (datetimes as text, UUIDs as hex)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID):
        return value.hex  # how Django stores a UUIDField on SQLite
    return value


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Any database: ``COPY`` on Postgres, one ``executemany`` elsewhere (values adapted as Django
    stores them)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, columns, rows)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
            [[sqlite_value(v) for v in row] for row in rows],
        )
