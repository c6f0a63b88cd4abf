"""The domain event bus (DESIGN sections 2 and 6).

A domain emits an event from inside the transaction that made the change. ``emit`` hands the event to every
registered recorder in that same transaction (the alerts app records it as an outbox row, so a crash after
the commit can never lose it) and publishes it to WebSocket subscribers once the transaction commits.
Domains never call each other for reactions; they emit, and subscribers decide.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from monitoring_site.realtime.events import publish
from monitoring_site.realtime.topics import EVENTS, TOPICS, topic_for_event


@dataclass(frozen=True)
class DomainEvent:
    """One event: ``body`` is exactly what webhooks receive (``{"id", "event", "timestamp", ...}``)."""

    id: uuid.UUID
    organization_id: int
    name: str
    occurred_at: datetime
    body: dict[str, Any]
    subject_type: str = ""
    subject_id: int | None = None
    channel_ids: tuple[int, ...] = field(default_factory=tuple)
    recipients: tuple[str, ...] = field(default_factory=tuple)


Recorder = Callable[[DomainEvent], None]
_recorders: list[Recorder] = []
# Reads back what the recorder kept: (organization id, event names, after, limit) -> event bodies
Replayer = Callable[[int, Iterable[str], datetime, int], list[dict[str, Any]]]
_replayers: list[Replayer] = []


def register_recorder(recorder: Recorder) -> None:
    """Called by an app's ``ready()``; the recorder runs inside the emitting transaction."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def register_replayer(replayer: Replayer) -> None:
    """Called by the app whose recorder keeps events (the alerts outbox), so subscribers can catch up."""
    if replayer not in _replayers:
        _replayers.append(replayer)


def events_after(
    organization_id: int, topics: Iterable[str], after: datetime, limit: int
) -> list[dict[str, Any]]:
    """The organization's recorded events on ``topics`` since ``after`` (at most ``limit``, oldest first),
    each as a WebSocket event message: what a subscriber missed while it was disconnected."""
    names = [name for topic in topics for name in TOPICS.get(topic, ()) if name in EVENTS]
    if not names or not _replayers:
        return []
    messages = []
    for body in _replayers[0](organization_id, names, after, limit):
        data = {k: v for k, v in body.items() if k not in ("id", "event", "timestamp")}
        name = body["event"]
        messages.append(
            {
                "id": body["id"],
                "topic": topic_for_event(name),
                "event": name,
                "data": data,
                "timestamp": body["timestamp"],
            }
        )
    return messages


def emit(
    organization: Any,
    name: str,
    payload: dict[str, Any],
    *,
    subject_type: str = "",
    subject_id: int | None = None,
    channel_ids: Iterable[int] = (),
    recipients: Iterable[str] = (),
) -> DomainEvent:
    """Record and publish ``name`` with ``payload`` (the subject objects, e.g. ``{"monitor": {...}}``)."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}; the catalog is in monitoring_site/realtime/topics.py")
    organization_id = getattr(organization, "pk", organization)
    event_id = uuid.uuid4()
    occurred_at = timezone.now()
    body = {
        "id": str(event_id),
        "event": name,
        "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
        **payload,
    }
    event = DomainEvent(
        id=event_id,
        organization_id=organization_id,
        name=name,
        occurred_at=occurred_at,
        body=body,
        subject_type=subject_type,
        subject_id=subject_id,
        channel_ids=tuple(channel_ids),
        recipients=tuple(recipients),
    )
    for recorder in _recorders:
        recorder(event)
    publish(organization_id, topic_for_event(name), name, payload, event_id=str(event_id))
    return event
