"""Outgoing webhooks: create (secret shown once), rotate the secret, test."""

from __future__ import annotations

import secrets
import uuid

from django.db import transaction
from django.utils import timezone

from alerts.choices import DeliveryStatus, TargetType
from alerts.models import Delivery, Event, Webhook
from alerts.services.delivery import deliveries_send
from monitoring_site.accounts.models import Organization
from monitoring_site.errors import RuleViolation
from monitoring_site.inputs import UNSET, Unset, given
from monitoring_site.realtime.topics import EVENTS

TEST_EVENT = "webhook.test"


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENTS) - {"*"})
    if unknown or not events:
        message = f"Unknown event(s): {', '.join(unknown)}." if unknown else "Name at least one event."
        raise RuleViolation(message, details={"events": [message + " Use '*' or names from GET /config."]})
    return list(dict.fromkeys(events))


def webhook_create(
    *,
    organization: Organization,
    url: str,
    events: list[str],
    description: str = "",
    is_active: bool = True,
) -> Webhook:
    """The returned webhook carries its secret, which the API shows this once."""
    return Webhook.objects.create(
        organization=organization,
        url=url,
        events=_clean_events(events),
        description=description,
        is_active=is_active,
        secret=_new_secret(),
    )


def webhook_update(
    *,
    webhook: Webhook,
    url: str | Unset = UNSET,
    events: list[str] | Unset = UNSET,
    description: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Webhook:
    """Change the fields given; re-enabling the webhook clears its failures and the reason it was
    disabled."""
    fields = given(url=url, events=events, description=description, is_active=is_active)
    if "events" in fields:
        fields["events"] = _clean_events(fields["events"])
    if fields.get("is_active") is True:
        webhook.disabled_reason, webhook.consecutive_failures = "", 0
    for name, value in fields.items():
        setattr(webhook, name, value)
    webhook.save()
    return webhook


def webhook_rotate_secret(*, webhook: Webhook) -> Webhook:
    """Give the webhook a new signing secret (the old one stops signing at once)."""
    webhook.secret = _new_secret()
    webhook.save(update_fields=["secret"])
    return webhook


def webhook_test(*, webhook: Webhook, by: str) -> Delivery:
    """Send a signed ``webhook.test`` event now; it is logged with the webhook's deliveries."""
    now = timezone.now()
    event_id = uuid.uuid4()
    body = {
        "id": str(event_id),
        "event": TEST_EVENT,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "webhook": {"id": webhook.pk, "url": webhook.url},
        "sent_by": by,
    }
    with transaction.atomic():
        event = Event.objects.create(
            id=event_id,
            organization_id=webhook.organization_id,
            name=TEST_EVENT,
            subject_type="webhook",
            subject_id=webhook.pk,
            body=body,
            occurred_at=now,
            fanned_out_at=now,
        )
        delivery = Delivery.objects.create(
            event=event,
            organization_id=webhook.organization_id,
            target_type=TargetType.WEBHOOK,
            target_key=f"webhook:{webhook.pk}",
            webhook=webhook,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
        )
    if webhook.is_active:
        deliveries_send(ids=[delivery.pk])
    delivery.refresh_from_db()
    return delivery
