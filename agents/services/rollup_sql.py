"""Adding totals to rollup rows with one ``INSERT ... ON CONFLICT DO UPDATE``: counts summed, and the
latency sketches merged inside the database (``jsonb_each_text``/``jsonb_object_agg`` on Postgres,
``json_each``/``json_group_object`` on SQLite). No row is read into Python, so concurrent writers of the
same row never lose each other's requests, and Django's per-row UPDATE compilation is not paid. Rows go
in sorted key order so two writers of shared rows lock them in the same order and cannot deadlock."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import connection, models

from agents.totals import Totals

SUMMED = ("count", "failures", "input_tokens", "output_tokens", "latency_sum")


def _merge_sql(table: str) -> str:
    if connection.vendor == "postgresql":
        return (
            "(SELECT COALESCE(jsonb_object_agg(k, n), '{}'::jsonb) FROM (SELECT k, SUM(v) AS n FROM ("  # noqa: S608
            f"SELECT key AS k, value::bigint AS v FROM jsonb_each_text({table}.sketch) UNION ALL "
            "SELECT key, value::bigint FROM jsonb_each_text(EXCLUDED.sketch)) AS e GROUP BY k) AS s)"
        )
    return (
        "(SELECT json_group_object(k, n) FROM (SELECT k, SUM(v) AS n FROM ("  # noqa: S608
        f"SELECT key AS k, value AS v FROM json_each({table}.sketch) UNION ALL "
        "SELECT key, value FROM json_each(excluded.sketch)) GROUP BY k))"
    )


def _param(value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def upsert(
    model: type[models.Model],
    key_columns: tuple[str, ...],
    conflict: tuple[str, ...],
    grouped: dict[tuple, Totals],
    chunk: int = 500,
) -> None:
    """Add each key's totals to its row (``key_columns`` name the key's parts, ``conflict`` the unique
    constraint's columns), creating the rows that do not exist yet."""
    if not grouped:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = (*key_columns, *SUMMED, "sketch")
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    row_marks = "(" + ", ".join(["%s"] * (len(columns) - 1)) + f", %s{cast})"
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in SUMMED)
    keys = sorted(grouped)
    for at in range(0, len(keys), chunk):
        part = keys[at : at + chunk]
        params: list[Any] = []
        for key in part:
            t = grouped[key]
            params += [_param(v) for v in key]
            params += [t.count, t.failures, t.input_tokens, t.output_tokens, t.latency_sum]
            params.append(json.dumps(t.sketch.to_json(), separators=(",", ":")))
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_marks] * len(part))} "  # noqa: S608
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}, sketch = {_merge_sql(table)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
