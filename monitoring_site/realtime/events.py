"""Publishing realtime events: the only place that talks to the channel layer (STYLE.md)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from monitoring_site.api.envelope import now_iso
from monitoring_site.realtime.topics import group_name

logger = logging.getLogger(__name__)
MESSAGE_TYPE = "realtime.event"  # handled by EventsConsumer.realtime_event


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Datetimes, decimals and UUIDs as JSON-ready strings (the channel layer serialises with msgpack)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def build_message(
    *, topic: str, event: str, data: dict[str, Any], event_id: str | None = None
) -> dict[str, Any]:
    return {
        "type": MESSAGE_TYPE,
        "id": event_id or str(uuid.uuid4()),
        "topic": topic,
        "event": event,
        "data": _jsonable(data),
        "timestamp": now_iso(),
    }


def send_now(organization_id: int, message: dict[str, Any], also_to: tuple[str, ...] = ()) -> None:
    """Send one built message to its organization's topic group (and the groups in ``also_to``). A failure
    is logged, never raised: the change it reports is committed already and must not be undone by a
    broken WebSocket fan-out."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for group in (group_name(organization_id, message["topic"]), *also_to):
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.warning("realtime publish of %s failed", message["event"], exc_info=True)


def publish(
    organization: Any,
    topic: str,
    event: str,
    data: dict[str, Any],
    *,
    event_id: str | None = None,
    also_to: tuple[str, ...] = (),
) -> str:
    """Send ``event`` on ``topic`` to the organization's WebSocket subscribers (and to the groups in
    ``also_to``, such as one agent's own connections) once the current transaction commits (at once
    outside a transaction). ``organization`` is an Organization or its id. Returns the event id."""
    organization_id = getattr(organization, "pk", organization)
    group_name(organization_id, topic)  # fails loudly on an unknown topic, before anything is queued
    message = build_message(topic=topic, event=event, data=data, event_id=event_id)
    transaction.on_commit(lambda: send_now(organization_id, message, also_to))
    return message["id"]
