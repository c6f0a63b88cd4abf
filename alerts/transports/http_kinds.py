"""Transports that POST JSON: a generic webhook URL and a Slack incoming webhook."""

from __future__ import annotations

import json
from typing import Any

from alerts.transports.base import ConfigField, Notification, Transport, raise_for_http
from monitoring_site.outbound_http import Session, apost

JSON = {"Content-Type": "application/json"}


class WebhookTransport(Transport):
    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        content = json.dumps(notification.body).encode()
        headers = {**JSON, "X-Event-Id": notification.event_id}
        return raise_for_http(await apost(http, config["url"], content=content, headers=headers))


class SlackTransport(Transport):
    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        text = f"*{notification.title}*\n{notification.text}"
        content = json.dumps({"text": text, "unfurl_links": False}).encode()
        result = await apost(http, config["url"], content=content, headers=JSON)
        # Slack answers 404 no_service, 403 invalid_token, 410 channel_is_archived: none heals by retrying.
        return raise_for_http(result, permanent_statuses=(400, 403, 404, 410))


webhook = WebhookTransport(
    "webhook",
    "Webhook (JSON POST)",
    [
        ConfigField(
            "url",
            "URL",
            "url",
            help="The event body is POSTed here as JSON, with X-Event-Id. Shown masked once saved (a token "
            "in its path or query stays private).",
            secret=True,
        )
    ],
)
slack = SlackTransport(
    "slack",
    "Slack incoming webhook",
    [
        ConfigField(
            "url", "Incoming webhook URL", "url", help="https://hooks.slack.com/services/...", secret=True
        )
    ],
)
