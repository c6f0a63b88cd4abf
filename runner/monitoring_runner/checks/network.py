"""port, ping and dns monitors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

import dns.asyncresolver
import dns.exception
from icmplib import async_ping
from icmplib.exceptions import ICMPLibError, SocketPermissionError

from monitoring_runner.checks.base import CheckOutcome
from monitoring_runner.checks.spec import Checkable


async def check_tcp(monitor: Checkable, session=None) -> CheckOutcome:
    started = time.perf_counter()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(monitor.target, monitor.port), monitor.timeout
        )
    except TimeoutError:
        return CheckOutcome.failed(f"Timed out connecting to {monitor.target}:{monitor.port}")
    except OSError as exc:
        return CheckOutcome.failed(
            f"Cannot connect to {monitor.target}:{monitor.port}: {exc.strerror or exc}"
        )
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return CheckOutcome(ok=True, response_time_ms=elapsed)


async def check_icmp(monitor: Checkable, session=None) -> CheckOutcome:
    """Raw sockets as root; otherwise unprivileged ICMP, which needs net.ipv4.ping_group_range to admit us."""
    try:
        host = await async_ping(
            monitor.target, count=1, timeout=monitor.timeout, privileged=os.geteuid() == 0
        )
    except SocketPermissionError:
        return CheckOutcome.failed(
            "ICMP is not permitted: run the worker as root, or allow this group in net.ipv4.ping_group_range"
        )
    except ICMPLibError as exc:
        return CheckOutcome.failed(f"{type(exc).__name__}: {exc}")
    if not host.is_alive:
        return CheckOutcome.failed(f"No ping reply from {monitor.target}")
    return CheckOutcome(ok=True, response_time_ms=round(host.avg_rtt, 2))


async def check_dns(monitor: Checkable, session=None) -> CheckOutcome:
    started = time.perf_counter()
    resolver = dns.asyncresolver.Resolver()
    resolver.lifetime = monitor.timeout
    if monitor.port:  # a DNS server of the monitor's own: target is "name@server"
        name, _, server = monitor.target.partition("@")
        resolver.nameservers, resolver.port = [server or "127.0.0.1"], monitor.port
        target = name
    else:
        target = monitor.target
    try:
        answer = await resolver.resolve(target, monitor.dns_record_type or "A")
    except dns.exception.DNSException as exc:
        return CheckOutcome.failed(f"{type(exc).__name__}: {exc}")
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    values = sorted(rdata.to_text().strip('"').rstrip(".") for rdata in answer)
    if monitor.dns_expected and monitor.dns_expected.rstrip(".") not in values:
        return CheckOutcome.failed(
            f"{monitor.dns_record_type} is {', '.join(values)}, expected {monitor.dns_expected}",
            response_time_ms=elapsed,
        )
    return CheckOutcome(ok=True, response_time_ms=elapsed)
