"""Turning an event into a message for people."""

from __future__ import annotations

from typing import Any

from alerts.models import Event
from alerts.transports import Notification

SUBJECT_KEYS = ("alert", "alert_rule", "monitor", "heartbeat", "incident", "agent", "job", "status_page")


def _subject(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for key in SUBJECT_KEYS:
        if isinstance(body.get(key), dict):
            return key, body[key]
    return "event", {}


def notification_for(event: Event) -> Notification:
    """The message for people an event becomes: a title and the subject's figures as lines of text."""
    body = event.body
    kind, subject = _subject(body)
    name = subject.get("name") or subject.get("title") or subject.get("id") or ""
    title = f"{event.name}: {name}".strip(": ") if name else event.name
    lines = [f"{kind.replace('_', ' ').capitalize()}: {name}" if name else event.name]
    for label, value in (
        ("Status", subject.get("status")),
        ("Target", subject.get("target")),
        ("Severity", subject.get("severity")),
        ("Message", subject.get("message") or (body.get("incident") or {}).get("error_message")),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines.append(f"At: {body.get('timestamp', event.occurred_at.isoformat())}")
    lines.append(f"Event id: {event.id}")
    return Notification(
        event_id=str(event.id), event=event.name, title=title, text="\n".join(lines), body=body
    )
