"""The one way the platform sends HTTP to addresses users give it (webhooks, Slack, channel URLs).

- Timeouts on connect and read, no redirects followed, and the response body read up to a cap.
- A private-address policy enforced when the socket connects: the host name is resolved here, every
  address is checked, and the connection goes to a checked address. A DNS answer that changes between a
  check and the connect (DNS rebinding) therefore cannot reach an address the policy refuses. Loopback,
  private, link-local (cloud metadata at 169.254.169.254), multicast, reserved and unspecified addresses are
  refused unless ``ALLOW_PRIVATE_WEBHOOK_TARGETS`` is true.

Monitors, whose purpose is to reach internal services, do not use the policy.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any

import anyio
import httpcore
import httpx
from django.conf import settings

USER_AGENT = "monitoring-platform/0.1 (+webhooks)"


class BlockedAddress(httpcore.ConnectError):
    """The target resolves only to addresses the private-address policy refuses."""


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _allowed_addresses(infos: list, host: str, allow_private: bool) -> list[str]:
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    allowed = [a for a in addresses if allow_private or address_is_public(a)]
    if not allowed:
        shown = ", ".join(addresses) or "nothing"
        raise BlockedAddress(f"{host} resolves to {shown}, which the private-address policy refuses")
    return allowed


class _GuardedSyncBackend(httpcore.SyncBackend):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        error: Exception | None = None
        for address in _allowed_addresses(infos, host, self.allow_private):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"cannot connect to {host}")


class _GuardedAsyncBackend(httpcore.AnyIOBackend):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        with anyio.fail_after(timeout) if timeout else contextlib.nullcontext():
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        error: Exception | None = None
        for address in _allowed_addresses(infos, host, self.allow_private):
            try:
                return await super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"cannot connect to {host}")


def _pool_kwargs() -> dict[str, Any]:
    return {
        "ssl_context": httpx.create_ssl_context(),
        "max_connections": 100,
        "max_keepalive_connections": 20,
    }


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool):
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            network_backend=_GuardedSyncBackend(allow_private), **_pool_kwargs()
        )


class AsyncGuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, allow_private: bool):
        super().__init__()
        self._pool = httpcore.AsyncConnectionPool(
            network_backend=_GuardedAsyncBackend(allow_private), **_pool_kwargs()
        )


def _allow_private(allow_private: bool | None) -> bool:
    return settings.ALLOW_PRIVATE_WEBHOOK_TARGETS if allow_private is None else allow_private


def _client_kwargs() -> dict[str, Any]:
    return {
        "timeout": httpx.Timeout(
            settings.OUTBOUND_TIMEOUT_SECONDS, connect=settings.OUTBOUND_CONNECT_TIMEOUT_SECONDS
        ),
        "follow_redirects": False,
        "trust_env": False,
        "headers": {"User-Agent": USER_AGENT},
    }


def client(allow_private: bool | None = None) -> httpx.Client:
    return httpx.Client(transport=GuardedTransport(_allow_private(allow_private)), **_client_kwargs())


def async_client(allow_private: bool | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=AsyncGuardedTransport(_allow_private(allow_private)), **_client_kwargs()
    )


@dataclass
class OutboundResult:
    status_code: int | None
    body: str
    duration_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def _capped(chunks_total: list[bytes], limit: int) -> str:
    return b"".join(chunks_total)[:limit].decode(errors="replace")


async def apost(
    http: httpx.AsyncClient, url: str, *, content: bytes, headers: dict[str, str]
) -> OutboundResult:
    """POST and read at most ``OUTBOUND_RESPONSE_MAX_BYTES`` of the answer; errors become a result."""
    limit = settings.OUTBOUND_RESPONSE_MAX_BYTES
    started = time.perf_counter()
    try:
        async with http.stream("POST", url, content=content, headers=headers) as response:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit:
                    break
            return OutboundResult(response.status_code, _capped(chunks, limit), _ms(started))
    except httpx.HTTPError as exc:
        return OutboundResult(None, "", _ms(started), error=f"{type(exc).__name__}: {exc}"[:500])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
