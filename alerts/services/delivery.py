"""Sending deliveries: claim under a lease (compare-and-swap), send concurrently, record each outcome.

At-least-once: a worker killed after sending but before recording leaves the lease to expire, and the
sweeper sends again with the same event id. Outcomes are written only by the holder of the lease.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import hmac
import json
import logging
import os
import random
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from alerts.choices import ChannelKind, DeliveryStatus, TargetType
from alerts.models import Delivery, DeliveryAttempt, NotificationChannel, Webhook
from alerts.services.notifications import notification_for
from alerts.transports import TRANSPORTS, TransportError
from monitoring_site import outbound_http

logger = logging.getLogger(__name__)


@dataclass
class DeliveryOutcome:
    status_code: int | None = None
    duration_ms: float = 0.0
    error: TransportError | None = None


def _claimable(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )


def deliveries_claim(*, now: datetime, ids: list[int] | None = None, limit: int = 200) -> list[Delivery]:
    """Take due deliveries under a fresh lease; a row another worker holds is not taken twice."""
    candidates = Delivery.objects.filter(_claimable(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    pks = list(candidates.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    if not pks:
        return []
    token = uuid.uuid4()
    Delivery.objects.filter(pk__in=pks).filter(_claimable(now)).update(
        status=DeliveryStatus.SENDING,
        lease_token=token,
        lease_until=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    return list(Delivery.objects.filter(lease_token=token).select_related("event", "channel", "webhook"))


def webhook_signature(secret: str, body: bytes) -> str:
    """The ``X-Signature`` of a webhook body: ``sha256=`` and the HMAC of the body with the webhook's
    secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_request(webhook: Webhook, event_body: dict) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook delivery (event id, type and timestamp, and the signature)."""
    content = json.dumps(event_body, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Event-Id": str(event_body["id"]),
        "X-Event-Type": str(event_body["event"]),
        "X-Event-Timestamp": str(event_body["timestamp"]),
        "X-Signature": webhook_signature(webhook.secret, content),
    }
    return content, headers


async def _send_one(delivery: Delivery, http) -> DeliveryOutcome:
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        if delivery.target_type == TargetType.WEBHOOK:
            assert delivery.webhook is not None
            content, headers = webhook_request(delivery.webhook, delivery.event.body)
            result = await outbound_http.apost(http, delivery.webhook.url, content=content, headers=headers)
            if not result.ok:
                # Webhooks retry any non-2xx (the receiver may be deploying); a blocked address never heals.
                message = result.error or f"HTTP {result.status_code}: {result.body[:200]}"
                error = TransportError(message, permanent=result.blocked, status_code=result.status_code)
                return DeliveryOutcome(result.status_code, result.duration_ms, error)
            return DeliveryOutcome(result.status_code, result.duration_ms)
        if delivery.target_type == TargetType.EMAIL:
            transport, config = TRANSPORTS[ChannelKind.EMAIL], {"to": [delivery.recipient]}
        else:
            assert delivery.channel is not None
            transport, config = TRANSPORTS[delivery.channel.kind], delivery.channel.config
        status = await transport.send(notification_for(delivery.event), config, http)
        return DeliveryOutcome(status, round((loop.time() - started) * 1000, 1))
    except TransportError as exc:
        return DeliveryOutcome(exc.status_code, round((loop.time() - started) * 1000, 1), exc)
    except Exception as exc:  # a bug in a transport must not stop the batch; retry it like a transient error
        logger.exception("delivery %s crashed in its transport", delivery.pk)
        return DeliveryOutcome(
            None, round((loop.time() - started) * 1000, 1), TransportError(f"{type(exc).__name__}: {exc}")
        )


class _SenderLoop(threading.local):
    """An event loop and an HTTP client per worker process (and thread), kept between batches so
    connections to the same receivers are reused; a fresh loop and client per batch would pay a TCP and
    TLS handshake every time."""

    def __init__(self) -> None:
        self.pid = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: dict[bool, Any] = {}

    def run(self, deliveries: list[Delivery]) -> list[DeliveryOutcome]:
        if self.pid != os.getpid() or self.loop is None or self.loop.is_closed():
            self.pid, self.loop, self.clients = os.getpid(), asyncio.new_event_loop(), {}
            atexit.register(self.close)
        allow_private = settings.ALLOW_PRIVATE_WEBHOOK_TARGETS

        async def send_all() -> list[DeliveryOutcome]:
            if allow_private not in self.clients:  # the session must be made inside its loop
                self.clients[allow_private] = outbound_http.async_client(allow_private)
            http = self.clients[allow_private]
            # No more requests in flight than pooled connections: requests queued inside httpcore's pool
            # cost a scan of the whole queue each time any request moves.
            gate = asyncio.Semaphore(settings.OUTBOUND_MAX_CONNECTIONS)

            async def send(delivery: Delivery) -> DeliveryOutcome:
                async with gate:
                    return await _send_one(delivery, http)

            return list(await asyncio.gather(*(send(d) for d in deliveries)))

        return self.loop.run_until_complete(send_all())

    def close(self) -> None:
        """Close the sessions at process exit (an unclosed aiohttp session warns)."""
        if self.loop is not None and not self.loop.is_closed() and self.pid == os.getpid():
            for session in self.clients.values():
                self.loop.run_until_complete(session.close())
            self.loop.close()


_sender = _SenderLoop()


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, times a random 0.5..1."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(base, settings.DELIVERY_RETRY_MAX_SECONDS) * random.uniform(0.5, 1.0))


def _gives_up(delivery: Delivery, now: datetime) -> bool:
    if delivery.target_type == TargetType.WEBHOOK:
        return now - delivery.event.occurred_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    return delivery.attempts >= settings.CHANNEL_MAX_ATTEMPTS


def _target_disable(delivery: Delivery, reason: str, now: datetime) -> None:
    if delivery.channel_id:
        NotificationChannel.objects.filter(pk=delivery.channel_id, is_enabled=True).update(
            is_enabled=False, disabled_reason=reason[:500], disabled_at=now
        )
    elif delivery.webhook_id:
        Webhook.objects.filter(pk=delivery.webhook_id, is_active=True).update(
            is_active=False, disabled_reason=reason[:500]
        )


def delivery_record_outcome(delivery: Delivery, outcome: DeliveryOutcome, *, now: datetime) -> str:
    """Write the outcome if this worker still holds the lease; returns the delivery's new status."""
    error = outcome.error
    fields: dict = {"lease_token": None, "lease_until": None, "last_status_code": outcome.status_code}
    if error is None:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, last_error="")
    elif error.permanent or _gives_up(delivery, now):
        fields.update(status=DeliveryStatus.FAILED, last_error=error.message[:500])
    else:
        fields.update(
            status=DeliveryStatus.PENDING,
            last_error=error.message[:500],
            next_attempt_at=now + retry_delay(delivery.attempts),
        )
    with transaction.atomic():
        held = Delivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token).update(**fields)
        if not held:
            return delivery.status
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            attempted_at=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=(error.message[:500] if error else ""),
        )
        _target_record(delivery, error, fields["status"], now)
    return fields["status"]


def _target_record(delivery: Delivery, error: TransportError | None, status: str, now: datetime) -> None:
    if delivery.webhook_id:
        webhooks = Webhook.objects.filter(pk=delivery.webhook_id)
        if error is None:
            webhooks.update(consecutive_failures=0, last_delivery_at=now)
            return
        webhooks.update(consecutive_failures=F("consecutive_failures") + 1)
        failures = webhooks.values_list("consecutive_failures", flat=True).first() or 0
        if error.permanent:
            _target_disable(delivery, f"Disabled after a permanent error: {error.message}", now)
        elif status == DeliveryStatus.FAILED:
            _target_disable(
                delivery, f"Deliveries failed for {settings.WEBHOOK_RETRY_HOURS} hours: {error.message}", now
            )
        elif failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
            _target_disable(
                delivery, f"Disabled after {failures} failed attempts in a row: {error.message}", now
            )
    elif delivery.channel_id:
        if error is None:
            NotificationChannel.objects.filter(pk=delivery.channel_id).update(last_delivery_at=now)
        elif error.permanent:
            _target_disable(delivery, error.message, now)


def _skip_disabled(deliveries: list[Delivery]) -> list[Delivery]:
    sendable = []
    for delivery in deliveries:
        if delivery.channel:
            target_on = delivery.channel.is_enabled
        elif delivery.webhook:
            target_on = delivery.webhook.is_active
        else:
            target_on = bool(delivery.recipient)
        if target_on:
            sendable.append(delivery)
        else:
            Delivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token).update(
                status=DeliveryStatus.SKIPPED,
                lease_token=None,
                lease_until=None,
                last_error="The target was disabled.",
            )
    return sendable


def deliveries_send(
    *, ids: list[int] | None = None, limit: int = 200, now: datetime | None = None
) -> dict[str, int]:
    """Claim due deliveries (the given ids, or the oldest due), send them concurrently, record outcomes."""
    claimed = _skip_disabled(deliveries_claim(now=now or timezone.now(), ids=ids, limit=limit))
    outcomes = _sender.run(claimed) if claimed else []
    finished = timezone.now() if now is None else now
    delivered = [(d, o) for d, o in zip(claimed, outcomes, strict=True) if o.error is None]
    counts: dict[str, int] = {}
    if delivered:
        counts[DeliveryStatus.DELIVERED] = deliveries_record_delivered(delivered, now=finished)
    for delivery, outcome in zip(claimed, outcomes, strict=True):
        if outcome.error is not None:
            status = delivery_record_outcome(delivery, outcome, now=finished)
            counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def deliveries_record_delivered(results: list[tuple[Delivery, DeliveryOutcome]], *, now: datetime) -> int:
    """The common case in a few statements: mark the held deliveries delivered, log their attempts, and
    stamp their channels and webhooks."""
    token = results[0][0].lease_token
    ids = [d.pk for d, _ in results]
    held = set(Delivery.objects.filter(pk__in=ids, lease_token=token).values_list("pk", flat=True))
    by_status: dict[int | None, list[int]] = {}
    for delivery, outcome in results:
        if delivery.pk in held:
            by_status.setdefault(outcome.status_code, []).append(delivery.pk)
    for status_code, pks in by_status.items():
        Delivery.objects.filter(pk__in=pks, lease_token=token).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=now,
            last_error="",
            last_status_code=status_code,
            lease_token=None,
            lease_until=None,
        )
    DeliveryAttempt.objects.bulk_create(
        [
            DeliveryAttempt(
                delivery_id=d.pk, attempted_at=now, status_code=o.status_code, duration_ms=o.duration_ms
            )
            for d, o in results
            if d.pk in held
        ]
    )
    channel_ids = {d.channel_id for d, _ in results if d.pk in held and d.channel_id}
    webhook_ids = {d.webhook_id for d, _ in results if d.pk in held and d.webhook_id}
    NotificationChannel.objects.filter(pk__in=channel_ids).update(last_delivery_at=now)
    Webhook.objects.filter(pk__in=webhook_ids).update(last_delivery_at=now, consecutive_failures=0)
    return len(held)
