"""Live events over the WebSocket (``/api/v1/ws``): ``for event in client.events.subscribe([...])``.
Reconnects with backoff when the connection drops; a refused token raises ``AuthenticationError``
(after one token renewal for a username/password client), a refused topic ``PermissionDenied``."""

from __future__ import annotations

import json
import time
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


class Events:
    def __init__(self, client: Client) -> None:
        self._client = client

    def subscribe(
        self, topics: list[str], *, reconnect: bool = True, max_backoff: float = 30.0
    ) -> Iterator[dict[str, Any]]:
        """Yield each ``{"type": "event", "topic", "event", "data", "timestamp", "id"}`` as it comes."""
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        delay, renewed = 1.0, False
        while True:
            code = None
            try:
                with connect(ws_url(self._client.base_url), open_timeout=10) as socket:
                    socket.send(json.dumps({"auth": self._client.token(), "subscribe": list(topics)}))
                    for raw in socket:
                        message = json.loads(raw)
                        if message.get("type") == "subscribed":
                            delay, renewed = 1.0, False
                        elif message.get("type") == "event":
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
        self, topics: list[str], *, reconnect: bool = True, max_backoff: float = 30.0
    ) -> AsyncIterator[dict[str, Any]]:
        import asyncio

        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        delay, renewed = 1.0, False
        while True:
            code = None
            try:
                async with connect(ws_url(self._client.base_url), open_timeout=10) as socket:
                    token = await self._client.token()
                    await socket.send(json.dumps({"auth": token, "subscribe": list(topics)}))
                    async for raw in socket:
                        message = json.loads(raw)
                        if message.get("type") == "subscribed":
                            delay, renewed = 1.0, False
                        elif message.get("type") == "event":
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
