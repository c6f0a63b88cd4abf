"""Work collected over one transaction and handed on once, when it commits: a burst of events in one
transaction becomes one task, not one task per event.

Django has no public "this transaction's state", so this is the one place that reads
``connection.run_on_commit`` (the callbacks still registered): a batch whose flush is no longer there was
dropped by a rollback, together with the rows its items name, and a fresh batch starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction


@dataclass
class _Batch:
    flush_items: Callable[[list[Any]], None]
    items: list[Any] = field(default_factory=list)

    def flush(self) -> None:
        self.flush_items(self.items)


def _batches(connection: Any) -> dict[str, _Batch]:
    if not hasattr(connection, "_commit_batches"):
        connection._commit_batches = {}
    return connection._commit_batches


def on_commit_batched(
    key: str,
    item: Any,
    flush: Callable[[list[Any]], None],
    *,
    robust: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Add ``item`` to this transaction's batch named ``key``; ``flush(items)`` runs once, after the
    commit, with every item added in the transaction in order. Outside a transaction it runs at once
    with ``[item]``. ``robust`` as in ``transaction.on_commit``: a failing flush is logged, not raised."""
    connection = transaction.get_connection(using)
    batches = _batches(connection)
    batch = batches.get(key)
    if batch is not None and any(entry[1] == batch.flush for entry in connection.run_on_commit):
        batch.items.append(item)
        return
    batch = _Batch(flush, [item])
    if connection.in_atomic_block:
        batches[key] = batch
    transaction.on_commit(batch.flush, using=using, robust=robust)
