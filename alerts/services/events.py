"""Recording domain events as outbox rows and fanning each out to one delivery per recipient."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alerts.choices import DeliveryStatus, TargetType
from alerts.models import Delivery, Event, MaintenanceWindow, NotificationChannel, Webhook
from alerts.selectors import windows_resolved
from monitoring_site.commit_batches import on_commit_batched
from monitoring_site.events import DomainEvent
from monitoring_site.task_queue import enqueue

FAN_OUT_BATCH = 200


def _fan_out_later(event_ids: list[str]) -> None:
    for start in range(0, len(event_ids), FAN_OUT_BATCH):
        enqueue("alerts.event_fan_out", event_ids[start : start + FAN_OUT_BATCH])


def event_record(event: DomainEvent) -> None:
    """The bus recorder: the outbox row joins the emitting transaction; the fan-out is queued on commit,
    one task for every event of the transaction (a burst of events is not a burst of tasks)."""
    Event.objects.create(
        id=event.id,
        organization_id=event.organization_id,
        name=event.name,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        channel_ids=list(event.channel_ids),
        recipients=list(event.recipients),
        body=event.body,
        occurred_at=event.occurred_at,
    )
    # Robust: with the broker down the flush fails after the commit; the change stands and the sweeper
    # fans the event out later (the ping path must keep answering while Redis is down).
    on_commit_batched("alerts.fan_out", str(event.id), _fan_out_later, robust=True)


def _delivery(event: Event, target_type: str, key: str, status: str, **target) -> Delivery:
    return Delivery(
        event=event,
        organization_id=event.organization_id,
        target_type=target_type,
        target_key=key,
        status=status,
        next_attempt_at=event.occurred_at,
        **target,
    )


@dataclass
class _Recipients:
    """What one organization's events may go to, loaded once per fan-out batch."""

    channels: dict[int, NotificationChannel]
    webhooks: list[Webhook]
    windows: list[MaintenanceWindow]

    def quiet(self, event: Event) -> bool:
        return any(
            w.is_in_effect(event.occurred_at) and w.covers(event.subject_type, event.subject_id)
            for w in self.windows
        )


def _recipients_by_organization(events: list[Event]) -> dict[int, _Recipients]:
    organizations = {e.organization_id for e in events}
    channel_ids = {cid for e in events for cid in (e.channel_ids or [])}
    channels: dict[int, dict[int, NotificationChannel]] = defaultdict(dict)
    for channel in NotificationChannel.objects.filter(pk__in=channel_ids, organization_id__in=organizations):
        channels[channel.organization_id][channel.pk] = channel
    webhooks: dict[int, list[Webhook]] = defaultdict(list)
    for webhook in Webhook.objects.filter(organization_id__in=organizations, is_active=True):
        webhooks[webhook.organization_id].append(webhook)
    windows: dict[int, list[MaintenanceWindow]] = defaultdict(list)
    moments = {e.occurred_at for e in events}
    for window in MaintenanceWindow.objects.filter(organization_id__in=organizations, is_active=True):
        if any(window.is_in_effect(at) for at in moments):  # the others cannot quiet these events
            windows[window.organization_id].append(window)
    return {
        org: _Recipients(channels[org], webhooks[org], windows_resolved(windows[org]))
        for org in organizations
    }


def events_fan_out(*, event_ids: list[str], now: datetime | None = None) -> list[int]:
    """Create the events' deliveries (once: a second call finds them made) and return the pending ids.

    Recipients: the subject's own channels and email recipients, and every active webhook subscribed to
    the event name. Inside a maintenance window the channel and email deliveries are recorded as
    ``suppressed`` (nobody is paged); webhooks, which feed other systems, still receive the event.
    """
    now = now or timezone.now()
    with transaction.atomic():
        events = list(Event.objects.select_for_update().filter(pk__in=event_ids, fanned_out_at__isnull=True))
        recipients = _recipients_by_organization(events)
        rows: list[Delivery] = []
        quiet_ids = []
        for event in events:
            targets = recipients[event.organization_id]
            quiet = targets.quiet(event)
            if quiet:
                quiet_ids.append(event.pk)
            status = DeliveryStatus.SUPPRESSED if quiet else DeliveryStatus.PENDING
            for channel_id in dict.fromkeys(event.channel_ids or []):
                if channel_id in targets.channels:
                    rows.append(
                        _delivery(
                            event,
                            TargetType.CHANNEL,
                            f"channel:{channel_id}",
                            status,
                            channel=targets.channels[channel_id],
                        )
                    )
            for address in dict.fromkeys(event.recipients or []):
                rows.append(_delivery(event, TargetType.EMAIL, f"email:{address}", status, recipient=address))
            for webhook in targets.webhooks:
                if webhook.wants(event.name):
                    rows.append(
                        _delivery(
                            event,
                            TargetType.WEBHOOK,
                            f"webhook:{webhook.pk}",
                            DeliveryStatus.PENDING,
                            webhook=webhook,
                        )
                    )
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        Event.objects.filter(pk__in=[e.pk for e in events]).update(fanned_out_at=now)
        Event.objects.filter(pk__in=quiet_ids).update(in_maintenance=True)
    pending = Delivery.objects.filter(event_id__in=event_ids, status=DeliveryStatus.PENDING)
    return list(pending.values_list("id", flat=True))


def event_fan_out(*, event_id: str, now: datetime | None = None) -> list[int]:
    """Fan one recorded event out to one delivery per recipient (see ``events_fan_out``)."""
    return events_fan_out(event_ids=[event_id], now=now)


def events_not_fanned_out(*, older_than: datetime, limit: int = 500) -> list[str]:
    """Events whose fan-out never ran (the process died between commit and fan-out)."""
    ids = Event.objects.filter(fanned_out_at__isnull=True, occurred_at__lt=older_than).values_list(
        "id", flat=True
    )
    return [str(i) for i in ids[:limit]]
