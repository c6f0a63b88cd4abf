"""Apprise: one URL reaches any of 100+ services (Discord, Telegram, Teams, ntfy, PagerDuty, ...).

Apprise makes its own connections, so the private-address policy of ``outbound_http`` cannot be enforced
at connect time here; the URL's host is checked when the channel is saved instead.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any
from urllib.parse import urlparse

import apprise
from django.conf import settings

from alerts.transports.base import ConfigField, Notification, Transport, TransportError
from monitoring_site.outbound_http import Session, address_is_public


class AppriseTransport(Transport):
    def check(self, config: dict[str, Any]) -> dict[str, list[str]]:
        url = config["url"]
        if not apprise.Apprise().add(url):
            return {"config.url": ["Apprise does not recognise this URL."]}
        host = urlparse(url).hostname
        if host and not settings.ALLOW_PRIVATE_WEBHOOK_TARGETS:
            try:
                addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
            except OSError:
                addresses = set()
            if any(not address_is_public(a) for a in addresses):
                return {"config.url": [f"{host} is a private address, which this server does not notify."]}
        return {}

    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        def deliver() -> bool:
            client = apprise.Apprise()
            if not client.add(config["url"]):
                raise TransportError("Apprise does not recognise this URL.", permanent=True)
            return bool(client.notify(title=notification.title, body=notification.text))

        if not await asyncio.to_thread(deliver):
            raise TransportError("Apprise could not deliver the notification (see the worker log).")
        return None


apprise_transport = AppriseTransport(
    "apprise",
    "Apprise URL",
    [
        ConfigField(
            "url",
            "Apprise URL",
            "string",
            help="e.g. discord://..., tgram://..., json://host/path",
            secret=True,
        )
    ],
)
