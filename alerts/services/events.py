"""Recording domain events as outbox rows and fanning each out to one delivery per recipient."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alerts.choices import DeliveryStatus, TargetType
from alerts.models import Delivery, Event, NotificationChannel, Webhook
from alerts.selectors import maintenance_in_effect
from monitoring_site.events import DomainEvent


def event_record(event: DomainEvent) -> None:
    """The bus recorder: the outbox row joins the emitting transaction; the fan-out is queued on commit."""
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
    from alerts.tasks import event_fan_out_task

    transaction.on_commit(lambda: event_fan_out_task.delay(str(event.id)))


def _channel_delivery(event: Event, channel: NotificationChannel, status: str) -> Delivery:
    return Delivery(
        event=event,
        organization_id=event.organization_id,
        target_type=TargetType.CHANNEL,
        target_key=f"channel:{channel.pk}",
        channel=channel,
        status=status,
        next_attempt_at=event.occurred_at,
    )


def _email_delivery(event: Event, address: str, status: str) -> Delivery:
    return Delivery(
        event=event,
        organization_id=event.organization_id,
        target_type=TargetType.EMAIL,
        target_key=f"email:{address}",
        recipient=address,
        status=status,
        next_attempt_at=event.occurred_at,
    )


def _webhook_delivery(event: Event, webhook: Webhook) -> Delivery:
    return Delivery(
        event=event,
        organization_id=event.organization_id,
        target_type=TargetType.WEBHOOK,
        target_key=f"webhook:{webhook.pk}",
        webhook=webhook,
        next_attempt_at=event.occurred_at,
    )


def event_fan_out(*, event_id: str, now: datetime | None = None) -> list[int]:
    """Create the event's deliveries (once: a second call finds them made) and return the pending ids.

    Recipients: the subject's own channels and email recipients, and every active webhook subscribed to
    the event name. Inside a maintenance window the channel and email deliveries are recorded as
    ``suppressed`` (nobody is paged); webhooks, which feed other systems, still receive the event.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return []
        if event.fanned_out_at is None:
            channels = NotificationChannel.objects.filter(
                organization_id=event.organization_id, pk__in=event.channel_ids or []
            )
            webhooks = Webhook.objects.filter(organization_id=event.organization_id, is_active=True)
            quiet = maintenance_in_effect(
                organization_id=event.organization_id,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                at=event.occurred_at,
            )
            status = DeliveryStatus.SUPPRESSED if quiet else DeliveryStatus.PENDING
            rows = [_channel_delivery(event, c, status) for c in channels]
            rows += [
                _email_delivery(event, address, status) for address in dict.fromkeys(event.recipients or [])
            ]
            rows += [_webhook_delivery(event, w) for w in webhooks if w.wants(event.name)]
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            Event.objects.filter(pk=event.pk).update(fanned_out_at=now, in_maintenance=quiet)
    return list(
        Delivery.objects.filter(event_id=event_id, status=DeliveryStatus.PENDING).values_list("id", flat=True)
    )


def events_not_fanned_out(*, older_than: datetime, limit: int = 500) -> list[str]:
    """Events whose fan-out never ran (the process died between commit and fan-out)."""
    ids = Event.objects.filter(fanned_out_at__isnull=True, occurred_at__lt=older_than).values_list(
        "id", flat=True
    )
    return [str(i) for i in ids[:limit]]
