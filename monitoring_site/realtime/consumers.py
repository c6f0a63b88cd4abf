"""The WebSocket endpoint ``/api/v1/ws`` (DESIGN section 6): authenticate, subscribe, forward.

API clients send ``{"auth": "<JWT or API key>", "subscribe": [topics]}`` as their first message; dashboard
pages are authenticated by their session cookie (only from a same-origin page) and send just
``{"subscribe": [...]}``. Bad auth closes with 4401, an unknown topic with 4403.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from monitoring_site.accounts.principal import Tenant
from monitoring_site.realtime.auth import tenant_for_session_user, tenant_for_token
from monitoring_site.realtime.topics import TOPICS, group_name

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
AUTH_TIMEOUT_SECONDS = 10


class EventsConsumer(AsyncJsonWebsocketConsumer):
    tenant: Tenant | None = None
    auth_timer: asyncio.TimerHandle | None = None

    async def connect(self):
        self.topics: set[str] = set()
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated and self._same_origin():
            self.tenant = await database_sync_to_async(tenant_for_session_user)(
                user, self.scope.get("session")
            )
        if self.tenant is None:
            self.auth_timer = asyncio.get_running_loop().call_later(
                AUTH_TIMEOUT_SECONDS, lambda: asyncio.ensure_future(self.close(code=CLOSE_UNAUTHORIZED))
            )

    def _same_origin(self) -> bool:
        headers = dict(self.scope.get("headers", []))
        origin, host = headers.get(b"origin", b"").decode(), headers.get(b"host", b"").decode()
        return bool(origin) and urlparse(origin).netloc == host

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "Send a JSON object."})
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        if "auth" in content:
            tenant = await database_sync_to_async(tenant_for_token)(
                str(content["auth"]), content.get("organization")
            )
            if tenant is None:
                await self.close(code=CLOSE_UNAUTHORIZED)
                return
            self.tenant = tenant
        if self.tenant is None:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        if self.auth_timer is not None:
            self.auth_timer.cancel()
            self.auth_timer = None
        if "subscribe" in content and not await self._subscribe(content["subscribe"]):
            return
        if "unsubscribe" in content:
            await self._unsubscribe(content["unsubscribe"])

    async def _subscribe(self, topics) -> bool:
        assert self.tenant is not None
        if not isinstance(topics, list) or any(topic not in TOPICS for topic in topics):
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        for topic in topics:
            await self.channel_layer.group_add(
                group_name(self.tenant.organization.pk, topic), self.channel_name
            )
            self.topics.add(topic)
        await self.send_json({"type": "subscribed", "topics": sorted(self.topics)})
        return True

    async def _unsubscribe(self, topics) -> None:
        assert self.tenant is not None
        for topic in topics if isinstance(topics, list) else []:
            if topic in self.topics:
                await self.channel_layer.group_discard(
                    group_name(self.tenant.organization.pk, topic), self.channel_name
                )
                self.topics.discard(topic)
        await self.send_json({"type": "subscribed", "topics": sorted(self.topics)})

    async def disconnect(self, code):
        if self.auth_timer is not None:
            self.auth_timer.cancel()
        if self.tenant is not None:
            for topic in self.topics:
                await self.channel_layer.group_discard(
                    group_name(self.tenant.organization.pk, topic), self.channel_name
                )

    async def realtime_event(self, message):
        await self.send_json(
            {
                "type": "event",
                "id": message["id"],
                "topic": message["topic"],
                "event": message["event"],
                "data": message["data"],
                "timestamp": message["timestamp"],
            }
        )
