"""Notification channels: create, change, test."""

from __future__ import annotations

import asyncio
from typing import Any

from django.utils import timezone

from alerts.models import NotificationChannel
from alerts.transports import TRANSPORTS, Notification, TransportError
from alerts.transports.base import mask_secret
from monitoring_site import outbound_http
from monitoring_site.accounts.models import Organization
from monitoring_site.errors import RuleViolation
from monitoring_site.inputs import UNSET, Unset, given


def _transport(kind: str):
    if kind not in TRANSPORTS:
        raise RuleViolation(
            "Unknown channel type.", details={"type": [f"Use one of {', '.join(TRANSPORTS)}."]}
        )
    return TRANSPORTS[kind]


def channel_create(
    *, organization: Organization, name: str, kind: str, config: object
) -> NotificationChannel:
    """Create a notification channel, its ``config`` (any JSON, so far unchecked) checked by its kind's
    transport."""
    cleaned = _transport(kind).clean_config(config)
    return NotificationChannel.objects.create(organization=organization, name=name, kind=kind, config=cleaned)


def channel_update(
    *,
    channel: NotificationChannel,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    config: object = UNSET,
    is_enabled: bool | Unset = UNSET,
) -> NotificationChannel:
    """Change the name, kind, config or is_enabled given; enabling a disabled channel clears the reason it
    was disabled."""
    fields = given(name=name, is_enabled=is_enabled)
    new_kind = channel.kind if isinstance(kind, Unset) else kind
    if config is not UNSET or new_kind != channel.kind:
        sent = channel.config if config is UNSET else config
        if new_kind == channel.kind and isinstance(sent, dict):
            sent = _unmasked(channel, sent)
        channel.config = _transport(new_kind).clean_config(sent)
        channel.kind = new_kind
    for field, value in fields.items():
        setattr(channel, field, value)
    if fields.get("is_enabled") is True:
        channel.disabled_reason, channel.disabled_at = "", None
    channel.save()
    return channel


def _unmasked(channel: NotificationChannel, given: dict[str, Any]) -> dict[str, Any]:
    """A config sent back as it was shown (secrets masked) keeps the stored secrets."""
    secret = {f.name for f in TRANSPORTS[channel.kind].fields if f.secret}
    current = channel.config or {}
    return {
        k: current[k] if k in secret and k in current and v == mask_secret(current[k]) else v
        for k, v in given.items()
    }


def channel_test(*, channel: NotificationChannel, by: str) -> dict[str, Any]:
    """Send a test message now and say what happened; a permanent error disables the channel."""
    now = timezone.now()
    notification = Notification(
        event_id=f"test-{channel.pk}-{int(now.timestamp())}",
        event="channel.test",
        title=f"Test notification from the monitoring platform ({channel.name})",
        text=f"{by} sent this test to check the channel '{channel.name}'. No action is needed.",
        body={
            "event": "channel.test",
            "timestamp": now.isoformat(),
            "channel": {"id": channel.pk, "name": channel.name},
        },
    )

    async def send() -> int | None:
        async with outbound_http.async_client() as http:
            return await TRANSPORTS[channel.kind].send(notification, channel.config, http)

    try:
        status_code = asyncio.run(send())
    except TransportError as exc:
        if exc.permanent:
            NotificationChannel.objects.filter(pk=channel.pk).update(
                is_enabled=False, disabled_reason=exc.message[:500], disabled_at=now
            )
        return {
            "delivered": False,
            "error": exc.message,
            "permanent": exc.permanent,
            "status_code": exc.status_code,
        }
    NotificationChannel.objects.filter(pk=channel.pk).update(last_delivery_at=now)
    return {"delivered": True, "error": None, "permanent": False, "status_code": status_code}


def channels_test(*, channels, by: str) -> list[dict[str, Any]]:
    """Test each channel (a rule's or a monitor's) and report each outcome with the channel's id and name."""
    return [{"channel_id": c.pk, "name": c.name, **channel_test(channel=c, by=by)} for c in channels]
