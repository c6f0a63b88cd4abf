"""Thin Celery tasks of the monitors domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring_site.retention import delete_older_than
from monitors.models import CheckResult, HeartbeatPing
from monitors.services.heartbeats import heartbeats_evaluate_due
from monitors.services.rollups import rollups_advance, rollups_prune
from monitors.services.scheduling import monitors_check_batch, monitors_claim_due
from monitors.watchdog import watchdog_ping, watchdog_ping_due

BATCH = 500
# Beat runs the dispatcher every 2 s; claiming 3 s ahead lets every check start at its due time.
LOOKAHEAD_SECONDS = 3.0
MAX_CLAIMS_PER_RUN = 5000


@shared_task(name="monitors.dispatch")
def monitors_dispatch_task() -> int:
    """Beat, every 2 seconds: claim due monitors and hand them to the workers in batches."""
    sent = 0
    while sent < MAX_CLAIMS_PER_RUN:
        claimed = monitors_claim_due(now=timezone.now(), limit=BATCH * 5, lookahead=LOOKAHEAD_SECONDS)
        for start in range(0, len(claimed), BATCH):
            batch = [
                (pk, due.isoformat(), next_due.isoformat())
                for pk, due, next_due in claimed[start : start + BATCH]
            ]
            monitors_check_batch_task.delay(batch)
        sent += len(claimed)
        if len(claimed) < BATCH * 5:
            break
    if watchdog_ping_due():
        watchdog_ping_task.delay()  # on the main worker: the ping never holds up the next dispatch
    return sent


@shared_task(name="monitors.watchdog_ping")
def watchdog_ping_task() -> str:
    return watchdog_ping()


@shared_task(name="monitors.check_batch")
def monitors_check_batch_task(items: list[Sequence[Any]]) -> dict[str, int]:
    return monitors_check_batch(items=items)


@shared_task(name="monitors.prune_results")
def prune_results_task() -> int:
    """Daily: raw check results older than CHECK_RESULT_RETENTION_DAYS, in batches."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.CHECK_RESULT_RETENTION_DAYS)
    return delete_older_than(CheckResult, "checked_at", cutoff) + rollups_prune(now=now)


@shared_task(name="monitors.rollup")
def monitors_rollup_task() -> dict[str, int]:
    """Beat, every minute: roll closed minutes, hours and days up; refresh the uptime columns."""
    return rollups_advance(now=timezone.now())


@shared_task(name="monitors.heartbeats_evaluate")
def heartbeats_evaluate_task() -> dict[str, int]:
    """Beat, every 5 seconds: silent heartbeats turn late, then down."""
    return heartbeats_evaluate_due(now=timezone.now())


@shared_task(name="monitors.prune_pings")
def prune_pings_task() -> int:
    """Daily: heartbeat pings older than PING_RETENTION_DAYS, in batches."""
    cutoff = timezone.now() - timedelta(days=settings.PING_RETENTION_DAYS)
    return delete_older_than(HeartbeatPing, "received_at", cutoff)
