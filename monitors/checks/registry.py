from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp

from monitors.checks.base import Outcome
from monitors.checks.http import check_http
from monitors.checks.network import check_dns, check_icmp, check_tcp
from monitors.choices import MonitorType
from monitors.models import Monitor

Checker = Callable[[Monitor, aiohttp.ClientSession], Awaitable[Outcome]]

CHECKERS: dict[str, Checker] = {
    MonitorType.WEBSITE: check_http,
    MonitorType.KEYWORD: check_http,
    MonitorType.JSON: check_http,
    MonitorType.PORT: check_tcp,
    MonitorType.PING: check_icmp,
    MonitorType.DNS: check_dns,
}
GRACE_SECONDS = 2.0


async def _guarded(monitor: Monitor, session: aiohttp.ClientSession) -> Outcome:
    """A check never outlives its timeout (plus a little grace), whatever the checker does."""
    checker = CHECKERS.get(monitor.type)
    if checker is None:
        return Outcome.failed(f"{monitor.type} monitors are not checked actively")
    try:
        return await asyncio.wait_for(checker(monitor, session), monitor.timeout + GRACE_SECONDS)
    except TimeoutError:
        return Outcome.failed(f"Timed out after {monitor.timeout:g}s")
    except Exception as exc:  # a bug in one checker must not sink the batch
        return Outcome.failed(f"{type(exc).__name__}: {exc}")


async def check_many(monitors: list[Monitor]) -> list[Outcome]:
    """Run a batch concurrently on one HTTP session (connection reuse across the batch)."""
    connector = aiohttp.TCPConnector(limit=200, ttl_dns_cache=60)
    async with aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": "monitoring-platform/0.1"}, trust_env=False
    ) as session:
        return list(await asyncio.gather(*(_guarded(m, session) for m in monitors)))
