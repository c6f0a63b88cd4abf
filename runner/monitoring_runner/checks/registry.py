from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import aiohttp

from monitoring_runner.checks import spec
from monitoring_runner.checks.base import CheckOutcome
from monitoring_runner.checks.http import CertificateRecordingConnector, check_http
from monitoring_runner.checks.network import check_dns, check_icmp, check_tcp
from monitoring_runner.checks.spec import Checkable

Checker = Callable[[Checkable, aiohttp.ClientSession], Awaitable[CheckOutcome]]

CHECKERS: dict[str, Checker] = {
    spec.KIND_WEBSITE: check_http,
    spec.KIND_KEYWORD: check_http,
    spec.KIND_JSON: check_http,
    spec.KIND_PORT: check_tcp,
    spec.KIND_PING: check_icmp,
    spec.KIND_DNS: check_dns,
}
GRACE_SECONDS = 2.0
logger = logging.getLogger(__name__)


async def _guarded(monitor: Checkable, session: aiohttp.ClientSession, due: datetime | None) -> CheckOutcome:
    """Wait for the monitor's due time (the dispatcher claims a little ahead), then check; a check never
    outlives its timeout (plus a little grace), whatever the checker does."""
    if due is not None:
        wait = (due - datetime.now(tz=UTC)).total_seconds()
        if wait > 0:
            await asyncio.sleep(wait)
    started = datetime.now(tz=UTC)
    checker = CHECKERS.get(monitor.type)
    if checker is None:
        outcome = CheckOutcome.failed(f"{monitor.type} monitors are not checked actively")
    else:
        try:
            outcome = await asyncio.wait_for(checker(monitor, session), monitor.timeout + GRACE_SECONDS)
        except TimeoutError:
            outcome = CheckOutcome.failed(f"Timed out after {monitor.timeout:g}s")
        except Exception as exc:  # a bug in one checker must not sink the batch
            logger.exception("the %s check of monitor %s crashed", monitor.type, monitor.pk)
            outcome = CheckOutcome.failed(f"{type(exc).__name__}: {exc}")
    outcome.started_at = started
    return outcome


async def check_many(
    monitors: Sequence[Checkable], due: dict[int, datetime] | None = None
) -> list[CheckOutcome]:
    """Run a batch concurrently on one HTTP session (connection reuse across the batch), each check at its
    due time when ``due`` gives one."""
    connector = CertificateRecordingConnector(limit=200, ttl_dns_cache=60)
    async with aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": "monitoring-platform/0.1"}, trust_env=False
    ) as session:
        return list(await asyncio.gather(*(_guarded(m, session, (due or {}).get(m.pk)) for m in monitors)))
