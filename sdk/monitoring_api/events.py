"""Live events over the WebSocket (``/api/v1/ws``): ``for event in client.events.subscribe([...])``.
Reconnects with backoff when the connection drops and catches up: the reconnect asks for the events since
the last one seen (``since``), which the server replays (``"replayed": true``) before live ones; an event
is yielded once even when it comes both ways. A refused token raises ``AuthenticationError`` (after one
token renewal for a username/password client), a refused topic ``PermissionDenied``."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from monitoring_api.errors import AuthenticationError, PermissionDenied

if TYPE_CHECKING:
    from monitoring_api.aio import AsyncClient
    from monitoring_api.client import Client

CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN = 4401, 4403


def ws_url(base_url: str) -> str:
    scheme, rest = base_url.split("://", 1)
    return ("wss" if scheme == "https" else "ws") + "://" + rest + "/api/v1/ws"


def _closed(code: int | None, renewed: bool) -> bool:
    """Raise for a refusal; True when the token should be renewed and the connection tried again."""
    if code == CLOSE_FORBIDDEN:
        raise PermissionDenied("A topic was refused.", code="insufficient_permissions", status=403)
    if code == CLOSE_UNAUTHORIZED:
        if renewed:
            raise AuthenticationError(
                "The WebSocket refused the token.", code="authentication_failed", status=401
            )
        return True
    return False


class _Resume:
    """Where a subscription is: the timestamp of the latest event seen and the ids of recent ones."""

    def __init__(self, since: str | None) -> None:
        self.since = since
        self.recent: deque[str] = deque(maxlen=2000)

    def hello(self, token: str | None, topics: list[str]) -> str:
        message: dict[str, Any] = {"auth": token, "subscribe": list(topics)}
        if self.since:
            message["since"] = self.since
        return json.dumps(message)

    def fresh(self, event: dict[str, Any]) -> bool:
        """Whether ``event`` was not yielded before (and note it)."""
        if event.get("id") in self.recent:
            return False
        self.recent.append(event.get("id", ""))
        stamp = event.get("timestamp")
        if isinstance(stamp, str) and (self.since is None or stamp > self.since):
            self.since = stamp
        return True


class Events:
    def __init__(self, client: Client) -> None:
        self._client = client

    def subscribe(
        self,
        topics: list[str],
        *,
        reconnect: bool = True,
        max_backoff: float = 30.0,
        since: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield each ``{"type": "event", "topic", "event", "data", "timestamp", "id"}`` as it comes, after
        the events since ``since`` (an ISO timestamp) when given."""
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        delay, renewed, resume = 1.0, False, _Resume(since)
        while True:
            code = None
            try:
                with connect(ws_url(self._client.base_url), open_timeout=10) as socket:
                    socket.send(resume.hello(self._client.token(), topics))
                    for raw in socket:
                        message = json.loads(raw)
                        if message.get("type") == "subscribed":
                            delay, renewed = 1.0, False
                        elif message.get("type") == "event" and resume.fresh(message):
                            yield message
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            except OSError:
                pass
            if _closed(code, renewed):
                renewed = True
                if self._client.api_key:
                    _closed(code, True)
                self._client._renew()
                continue
            if not reconnect:
                return
            time.sleep(delay)
            delay = min(delay * 2, max_backoff)


class AsyncEvents:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def subscribe(
        self,
        topics: list[str],
        *,
        reconnect: bool = True,
        max_backoff: float = 30.0,
        since: str | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        import asyncio

        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        delay, renewed, resume = 1.0, False, _Resume(since)
        while True:
            code = None
            try:
                async with connect(ws_url(self._client.base_url), open_timeout=10) as socket:
                    token = await self._client.token()
                    await socket.send(resume.hello(token, topics))
                    async for raw in socket:
                        message = json.loads(raw)
                        if message.get("type") == "subscribed":
                            delay, renewed = 1.0, False
                        elif message.get("type") == "event" and resume.fresh(message):
                            yield message
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            except OSError:
                pass
            if _closed(code, renewed):
                renewed = True
                if self._client.api_key:
                    _closed(code, True)
                await self._client._renew()
                continue
            if not reconnect:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_backoff)
