"""Deleting rows past their retention in bounded batches, so a large backlog never holds a long lock."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model


def delete_older_than(
    model: type[Model],
    field: str,
    cutoff: datetime,
    *,
    batch: int = 5000,
    max_batches: int = 200,
    where: dict | None = None,
) -> int:
    """Delete ``model`` rows (matching ``where``) whose ``field`` is before ``cutoff``, oldest first;
    returns how many."""
    deleted = 0
    for _ in range(max_batches):
        pks = list(
            model._default_manager.filter(**(where or {}), **{f"{field}__lt": cutoff})
            .order_by(field)
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            break
        model._default_manager.filter(pk__in=pks).delete()
        deleted += len(pks)
    return deleted
