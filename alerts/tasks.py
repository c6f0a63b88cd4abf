"""Thin Celery tasks: each loads ids, calls a service, and copes with rows that are gone."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from alerts.models import Event
from alerts.services.alerts import alert_remediate, alerts_renotify_due
from alerts.services.delivery import deliveries_send
from alerts.services.events import events_fan_out, events_not_fanned_out
from alerts.services.rules import rules_evaluate_due
from monitoring_site.retention import delete_older_than

SEND_BATCH = 200


@shared_task(name="alerts.event_fan_out")
def event_fan_out_task(event_ids: list[str] | str) -> int:
    """Fan the events out and send what is due right here: no second task hop on the hot path."""
    ids = events_fan_out(event_ids=[event_ids] if isinstance(event_ids, str) else event_ids)
    for start in range(0, len(ids), SEND_BATCH):
        deliveries_send(ids=ids[start : start + SEND_BATCH])
    return len(ids)


@shared_task(name="alerts.deliveries_sweep")
def deliveries_sweep_task() -> dict[str, int]:
    """Beat, every few seconds: fan out events whose fan-out was lost, send due retries and expired leases."""
    lost = events_not_fanned_out(older_than=timezone.now() - timedelta(seconds=10))
    if lost:
        event_fan_out_task.delay(lost)
    return deliveries_send(limit=500)


@shared_task(name="alerts.rules_evaluate_due")
def rules_evaluate_due_task() -> dict[str, int]:
    return rules_evaluate_due()


@shared_task(name="alerts.alerts_renotify_due")
def alerts_renotify_due_task() -> dict[str, int]:
    return alerts_renotify_due()


@shared_task(name="alerts.alert_remediate")
def alert_remediate_task(alert_id: int) -> str | None:
    return alert_remediate(alert_id=alert_id)


@shared_task(name="alerts.prune_events")
def prune_events_task() -> int:
    """Daily: events (with their deliveries and attempt logs) older than EVENT_RETENTION_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.EVENT_RETENTION_DAYS)
    return delete_older_than(Event, "occurred_at", cutoff)
