"""The WebSocket endpoint ``/api/v1/ws`` (DESIGN section 6): authenticate, subscribe, forward.

API clients send ``{"auth": "<JWT or API key>", "subscribe": [topics]}`` as their first message; dashboard
pages are authenticated by their session cookie (only from a same-origin page) and send just
``{"subscribe": [...]}``. A device authenticates with its own token (an agent: ``{"auth": "agt_...",
"agent_id": 7, "subscribe": ["agent.commands"]}``) and may subscribe to its own streams only. Bad auth
closes with 4401, an unknown or forbidden topic with 4403.

A subscriber that reconnects sends ``"since": "<the timestamp of the last event it saw>"`` with its
``subscribe``: the events it missed on those topics (from the outbox, at most ``REALTIME_REPLAY_MAX``, the
latest, oldest first) follow the ``subscribed`` answer, each marked ``"replayed": true``. Replay starts
``REALTIME_REPLAY_MARGIN_SECONDS`` before ``since`` (an event is stamped when it happens and sent when its
transaction commits, so two can arrive out of order): the client drops ids it has seen. Streams (agent
commands, log lines) are not events and are not replayed.

A connection's credential is checked again whenever it subscribes, when a service says the credential
changed (``monitoring_site.realtime.revocation``), and every ``WS_RECHECK_SECONDS``: a revoked API key, a
logged-out token or session, a disabled user close it with 4401, a removed membership with 4403.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from urllib.parse import urlparse

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.dateparse import parse_datetime

from monitoring_site.accounts.principal import Tenant
from monitoring_site.events import events_after
from monitoring_site.realtime.auth import (
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHORIZED,
    Credential,
    DeviceSubscriber,
    credential_for,
    device_for_token,
    still_valid,
    tenant_for_session_user,
    tenant_for_token,
)
from monitoring_site.realtime.topics import SUBSCRIBABLE, group_name

AUTH_TIMEOUT_SECONDS = 10
CLOSE_NOT_FOUND = 4404
logger = logging.getLogger(__name__)


class EventsConsumer(AsyncJsonWebsocketConsumer):
    tenant: Tenant | None = None
    device: DeviceSubscriber | None = None
    auth_timer: asyncio.TimerHandle | None = None
    credential: Credential | None = None
    rechecker: asyncio.Task | None = None

    async def connect(self):
        self.groups: dict[str, str] = {}  # subscribed topic -> channel-layer group
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated and self._same_origin():
            session = self.scope.get("session")
            self.tenant = await database_sync_to_async(tenant_for_session_user)(user, session)
            if self.tenant is not None:
                key = getattr(session, "session_key", None) or "-"
                await self._set_credential(credential_for(self.tenant, session_key=key))
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
        if "auth" in content and not await self._authenticate(str(content["auth"]), content):
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        if self.tenant is None and self.device is None:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        if self.auth_timer is not None:
            self.auth_timer.cancel()
            self.auth_timer = None
        since = _since(content.get("since")) if "since" in content else None
        if not isinstance(since, datetime | None):
            await self.send_json(
                {"type": "error", "message": "since must be an ISO 8601 timestamp with its zone."}
            )
            return
        if "subscribe" in content and not await self._subscribe(content["subscribe"], since):
            return
        if "unsubscribe" in content:
            await self._unsubscribe(content["unsubscribe"])

    async def _authenticate(self, token: str, content: dict) -> bool:
        """A new identity: the subscriptions of the previous one end."""
        await self._unsubscribe(list(self.groups), announce=False)
        await self._set_credential(None)
        device = await database_sync_to_async(device_for_token)(token, content)
        if device is not False:
            self.device, self.tenant = device or None, None
            if device:
                await self._set_credential(
                    Credential("device", device.organization_id, token=token, content=dict(content))
                )
            return device is not None
        self.device = None
        self.tenant = await database_sync_to_async(tenant_for_token)(token, content.get("organization"))
        if self.tenant is not None:
            await self._set_credential(credential_for(self.tenant, token=token))
        return self.tenant is not None

    async def _set_credential(self, credential: Credential | None) -> None:
        """Leave the old credential's groups, join the new one's, and keep re-checking it."""
        old = self.credential.groups if self.credential is not None else []
        for group in old:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.credential = credential
        for group in credential.groups if credential is not None else []:
            await self.channel_layer.group_add(group, self.channel_name)
        if credential is not None and self.rechecker is None:
            self.rechecker = asyncio.ensure_future(self._recheck_every(settings.WS_RECHECK_SECONDS))

    async def _recheck_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            if not await self._still_valid():
                return

    async def _still_valid(self) -> bool:
        """Check the credential again; close the connection (and say False) when it no longer holds."""
        if self.credential is None:
            return True
        try:
            code = await database_sync_to_async(still_valid)(self.credential)
        except Exception:  # the database or Redis is down: keep the connection, check again next time
            logger.warning("could not re-check a WebSocket's credential", exc_info=True)
            return True
        if code is None:
            return True
        await self._set_credential(None)
        await self._unsubscribe(list(self.groups), announce=False)
        self.tenant = self.device = None
        await self.close(code=code)
        return False

    async def auth_recheck(self, message):
        """A service said this connection's credential changed (``revocation.credentials_changed``)."""
        await self._still_valid()

    def _group(self, topic: str) -> str | None:
        """The group a subscription to ``topic`` joins; None when this connection may not have it."""
        if self.device is not None:
            return self.device.groups.get(topic)
        assert self.tenant is not None
        return group_name(self.tenant.organization.pk, topic) if topic in SUBSCRIBABLE else None

    async def _subscribe(self, topics, since: datetime | None = None) -> bool:
        groups = (
            [self._group(t) if isinstance(t, str) else None for t in topics]
            if isinstance(topics, list)
            else [None]
        )
        if None in groups:
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        if not await self._still_valid():  # membership is checked again on every join
            return False
        added = [t for t in topics if t not in self.groups]
        for topic, group in zip(topics, groups, strict=True):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups[topic] = group  # type: ignore[assignment]
        await self.send_json({"type": "subscribed", "topics": sorted(self.groups)})
        if self.device is not None:
            for topic in added:
                for message in await database_sync_to_async(self.device.greeting)(topic):
                    await self.realtime_event(message)
        elif since is not None and self.tenant is not None:
            after = since - timedelta(seconds=settings.REALTIME_REPLAY_MARGIN_SECONDS)
            missed = await database_sync_to_async(events_after)(
                self.tenant.organization.pk, topics, after, settings.REALTIME_REPLAY_MAX
            )
            for message in missed:
                await self.send_json({"type": "event", **message, "replayed": True})
        return True

    async def _unsubscribe(self, topics, announce: bool = True) -> None:
        for topic in topics if isinstance(topics, list) else []:
            group = self.groups.pop(topic, None) if isinstance(topic, str) else None
            if group is not None:
                await self.channel_layer.group_discard(group, self.channel_name)
        if announce:
            await self.send_json({"type": "subscribed", "topics": sorted(self.groups)})

    async def disconnect(self, code):
        if self.auth_timer is not None:
            self.auth_timer.cancel()
        if self.rechecker is not None:
            self.rechecker.cancel()
        for group in [*self.groups.values(), *(self.credential.groups if self.credential else [])]:
            await self.channel_layer.group_discard(group, self.channel_name)

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


def _since(value) -> datetime | bool | None:
    """The ``since`` of a subscribe message: an aware datetime, or False when it is not one."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return False
    return parsed


class NotFoundConsumer(AsyncJsonWebsocketConsumer):
    """Any other WebSocket path: accepted only to be closed with 4404 (a router without a match would end
    the handshake with a server error)."""

    async def connect(self):
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
