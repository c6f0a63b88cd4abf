"""The one way the platform sends HTTP to addresses users give it (webhooks, Slack, channel URLs, and HTTP
jobs run by the platform's own workers).

- Timeouts on connect and on the whole request, no redirects followed, the response read up to a cap.
- A private-address policy enforced when the connection is made: the connector resolves the host through
  ``GuardedResolver``, which drops every refused address, and connects only to what it returned, so a DNS
  answer that changes between a check and the connect (DNS rebinding) cannot reach a refused address.
  A literal IP in the URL is checked the same way before the request (there is nothing to re-resolve).
  Every address that is not globally reachable unicast (``address_is_public``: loopback, private, link-local
  with cloud metadata, CGNAT, benchmarking, documentation, multicast, reserved, and the IPv6 forms of such
  IPv4 addresses) is refused unless ``ALLOW_PRIVATE_WEBHOOK_TARGETS`` is true.

It is built on aiohttp: measured on this project's 2-core machine, httpx's async client managed ~300
requests/s against a local receiver where aiohttp managed ~6,000 (see docs/performance.md).
Monitors, whose purpose is to reach internal services, do not use the policy.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from django.conf import settings

USER_AGENT = "monitoring-platform/0.1 (+webhooks)"
POLICY = "private-address policy"


class BlockedAddress(OSError):
    """The target resolves only to addresses the private-address policy refuses."""

    def __init__(self, message: str):
        super().__init__(errno.EACCES, message)


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
# Special-purpose blocks that ``ipaddress`` counts as global but no webhook receiver lives in.
NOT_RECEIVERS = [
    ipaddress.ip_network(block)
    for block in (
        "192.0.0.0/24",  # IETF protocol assignments (RFC 6890)
        "192.88.99.0/24",  # 6to4 relay anycast (RFC 7526)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
    )
]


def address_is_public(address: str) -> bool:
    """Whether the platform's own requests may reach ``address``: only globally reachable unicast
    addresses of the IANA special-purpose registries pass. Loopback, private (RFC 1918, ULA), link-local
    (cloud metadata at 169.254.169.254), CGNAT shared space (100.64.0.0/10, with 100.100.100.200),
    benchmarking (198.18.0.0/15, 2001:2::/48), documentation, multicast, reserved, 0.0.0.0/8 and the
    unspecified addresses are refused; an IPv6 form that carries an IPv4 address (IPv4-mapped, NAT64,
    6to4, Teredo) is judged by that IPv4 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64:
            return address_is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if any(inner is not None and not address_is_public(str(inner)) for inner in embedded):
            return False
        if ip.ipv4_mapped is not None:
            return True
    return not (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or any(ip in block for block in NOT_RECEIVERS if block.version == ip.version)
    )


def _refused(host: str, addresses: list[str]) -> BlockedAddress:
    shown = ", ".join(addresses) or "nothing"
    return BlockedAddress(f"{host} resolves to {shown}, which the {POLICY} refuses")


class GuardedResolver(AbstractResolver):
    """Resolves like the default resolver, then keeps only the addresses the policy allows."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        found = await self.inner.resolve(host, port, family)
        allowed = [info for info in found if self.allow_private or address_is_public(info["host"])]
        if not allowed:
            raise _refused(host, [info["host"] for info in found])
        return allowed

    async def close(self) -> None:
        await self.inner.close()


def _allow_private(allow_private: bool | None) -> bool:
    return settings.ALLOW_PRIVATE_WEBHOOK_TARGETS if allow_private is None else allow_private


def async_client(allow_private: bool | None = None) -> aiohttp.ClientSession:
    """A session for deliveries; create it inside the event loop that will use it."""
    allowed = _allow_private(allow_private)
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(allowed), limit=settings.OUTBOUND_MAX_CONNECTIONS, ttl_dns_cache=10
    )
    timeout = aiohttp.ClientTimeout(
        total=settings.OUTBOUND_TIMEOUT_SECONDS, connect=settings.OUTBOUND_CONNECT_TIMEOUT_SECONDS
    )
    session = aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False
    )
    session.allow_private = allowed  # type: ignore[attr-defined]
    return session


@dataclass
class OutboundResult:
    status_code: int | None
    body: str
    duration_ms: float
    error: str | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def blocked(self) -> bool:
        return self.error is not None and POLICY in self.error


def _literal_address_check(url: str, allow_private: bool) -> None:
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: the resolver checks it at connect time
    if not allow_private and not address_is_public(host):
        raise _refused(host, [host])


async def apost(
    http: aiohttp.ClientSession, url: str, *, content: bytes, headers: dict[str, str]
) -> OutboundResult:
    """POST and read at most ``OUTBOUND_RESPONSE_MAX_BYTES`` of the answer; errors become a result."""
    return await arequest(http, "POST", url, content=content, headers=headers)


async def arequest(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    content: bytes | None,
    headers: dict[str, str],
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> OutboundResult:
    """One request, no redirects followed, at most ``max_bytes`` (default ``OUTBOUND_RESPONSE_MAX_BYTES``)
    of the answer read; ``timeout`` replaces the session's total timeout. Errors become a result."""
    started = time.perf_counter()
    limit = settings.OUTBOUND_RESPONSE_MAX_BYTES if max_bytes is None else max_bytes
    per_request: dict[str, Any] = {}
    if timeout is not None:
        connect = min(settings.OUTBOUND_CONNECT_TIMEOUT_SECONDS, timeout)
        per_request["timeout"] = aiohttp.ClientTimeout(total=timeout, connect=connect)
    try:
        _literal_address_check(url, getattr(http, "allow_private", False))
        async with http.request(
            method, url, data=content, headers=headers, allow_redirects=False, **per_request
        ) as response:
            body = bytearray()
            while len(body) < limit:  # read() answers with what has arrived: read to the cap or the end
                chunk = await response.content.read(limit - len(body))
                if not chunk:
                    break
                body += chunk
            return OutboundResult(
                response.status,
                bytes(body).decode(errors="replace"),
                _ms(started),
                reason=response.reason or "",
            )
    except BlockedAddress as exc:
        return OutboundResult(None, "", _ms(started), error=str(exc.strerror))
    except aiohttp.ClientConnectorError as exc:
        cause = exc.os_error
        message = str(cause.strerror) if isinstance(cause, BlockedAddress) else f"{type(exc).__name__}: {exc}"
        return OutboundResult(None, "", _ms(started), error=message[:500])
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return OutboundResult(None, "", _ms(started), error=f"{type(exc).__name__}: {exc}"[:500] or "timeout")


def request(
    method: str,
    url: str,
    *,
    content: bytes | None,
    headers: dict[str, str],
    max_bytes: int | None = None,
    timeout: float | None = None,
    allow_private: bool | None = None,
) -> OutboundResult:
    """``arequest`` for synchronous callers (an HTTP job on a jobs worker thread): its own session and
    event loop, under the same policy."""

    async def send() -> OutboundResult:
        async with async_client(allow_private) as http:
            return await arequest(
                http, method, url, content=content, headers=headers, max_bytes=max_bytes, timeout=timeout
            )

    return asyncio.run(send())


_refusals = threading.local()


def _policed_create_connection(original):
    """urllib3's ``create_connection`` under the policy: the host is resolved here, refused addresses are
    dropped, and only an allowed address is connected to (so DNS rebinding and redirects to a private
    address, each a new connection, are refused too). The refusal is kept per thread for the caller."""

    def create_connection(address, *args, **kwargs):
        if settings.ALLOW_PRIVATE_WEBHOOK_TARGETS:
            return original(address, *args, **kwargs)
        host, port = address
        found = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        allowed = [info[4][0] for info in found if address_is_public(str(info[4][0]))]
        if not allowed:
            _refusals.last = _refused(host, [str(info[4][0]) for info in found])
            raise _refusals.last
        last_error: OSError | None = None
        for ip in dict.fromkeys(allowed):
            try:
                return original((ip, port), *args, **kwargs)
            except OSError as exc:
                last_error = exc
        raise last_error or OSError(f"could not connect to {host}")

    create_connection.policed = True  # type: ignore[attr-defined]
    return create_connection


def police_urllib3() -> None:
    """Hold every connection made with requests/urllib3 in this process to the policy: for libraries that
    make their own requests (Apprise's HTTP plugins). The platform's own code uses aiohttp (above); monitors,
    which are meant to reach internal services, use neither."""
    from urllib3.util import connection

    if not getattr(connection.create_connection, "policed", False):
        connection.create_connection = _policed_create_connection(connection.create_connection)


def last_refusal() -> BlockedAddress | None:
    """The policy's last refusal in this thread (by ``police_urllib3``), cleared by reading it."""
    refusal = getattr(_refusals, "last", None)
    _refusals.last = None
    return refusal


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


Session = Any  # what transports receive: an aiohttp.ClientSession from async_client()
