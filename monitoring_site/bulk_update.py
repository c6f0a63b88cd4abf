"""Updating many rows with different values in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per field per row, which costs
about a millisecond of Python per row at a few fields: too much for the check paths, which update hundreds
of rows per batch several times a second. On PostgreSQL ``rows_update`` sends one
``UPDATE ... FROM (VALUES ...)`` instead, each value prepared by its field as Django would save it; on
other databases it is ``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.db import connection, models

BATCH = 1000


def rows_update(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of each of ``objs`` (instances of one model) to its row."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, list(fields), batch_size=500)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns = [cast(models.Field, meta.get_field(name)) for name in fields]
    quote = connection.ops.quote_name
    casts = ["bigint", *(str(f.db_type(connection)) for f in columns)]
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    names = ", ".join(quote(c) for c in ["pk", *(f.column for f in columns)])
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    for start in range(0, len(objs), BATCH):
        chunk = objs[start : start + BATCH]
        params: list = []
        for obj in chunk:
            params.append(obj.pk)
            params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
        # identifiers are the model's own, quoted; every value is a parameter
        sql = (
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
            f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({names}) "
            f"WHERE t.{quote(pk.column)} = v.{quote('pk')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
