"""Platform health: each component is probed cheaply so ``/api/v1/health`` can be polled by load balancers.

Workers and beat stamp heartbeat keys in Redis (``celery.WorkerHeartbeat``, ``celery_beat``); the probe
reads their age instead of broadcasting a ping and waiting for replies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

from monitoring_site.redis_client import get_redis, get_text, key

OK = "ok"
ERROR = "error"


def worker_heartbeat_record(hostname: str) -> None:
    get_redis().set(
        key("health", "worker", hostname), f"{time.time():.3f}", ex=settings.HEALTH_WORKER_MAX_AGE
    )


def worker_heartbeat_clear(hostname: str) -> None:
    try:
        get_redis().delete(key("health", "worker", hostname))
    except Exception:  # shutting down without Redis: the key expires on its own
        return


def scheduler_heartbeat_record(holder: str = "") -> None:
    """Stamped by the beat that holds the lease (``holder``: its host:pid), every two seconds."""
    get_redis().set(key("health", "scheduler"), f"{time.time():.3f} {holder}".strip(), ex=24 * 3600)


def _timed(probe: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = probe()
    except Exception as exc:
        result = {"status": ERROR, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result.setdefault("status", OK)
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _redis() -> dict[str, Any]:
    get_redis().ping()
    return {"embedded": settings.REDIS_EMBEDDED}


def _workers() -> dict[str, Any]:
    client = get_redis()
    now = time.time()
    workers = []
    for name in client.scan_iter(match=key("health", "worker", "*"), count=200):
        stamp = get_text(name)
        if stamp is not None:
            age = now - float(stamp)
            if age <= settings.HEALTH_WORKER_MAX_AGE:
                workers.append({"hostname": name.rsplit(":", 1)[-1], "age_seconds": round(age, 1)})
    if not workers:
        return {"status": ERROR, "count": 0, "error": "no worker has reported recently"}
    return {"count": len(workers), "workers": sorted(workers, key=lambda w: w["hostname"])}


def _scheduler() -> dict[str, Any]:
    value = get_text(key("health", "scheduler"))
    if value is None:
        return {"status": ERROR, "error": "the scheduler (celery beat) has never reported"}
    stamp, _, holder = value.partition(" ")
    age = round(time.time() - float(stamp), 1)
    if age > settings.HEALTH_SCHEDULER_MAX_AGE:
        return {"status": ERROR, "age_seconds": age, "holder": holder, "error": f"last heartbeat {age}s ago"}
    return {"age_seconds": age, "holder": holder}


async def _channel_roundtrip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("health.")
    await layer.send(channel, {"type": "health.probe"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "health.probe":
        raise RuntimeError("the channel layer returned another message")


def _checks() -> dict[str, Any]:
    from monitors.watchdog import check_lag_seconds  # the domain's figure; health knows no models

    lag = check_lag_seconds()
    if lag > settings.HEALTH_CHECK_LAG_MAX:
        return {"status": ERROR, "lag_seconds": lag, "error": f"the most overdue check is {lag}s late"}
    return {"lag_seconds": lag}


def _channel_layer() -> dict[str, Any]:
    async_to_sync(_channel_roundtrip)()
    return {}


COMPONENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "redis": _redis,
    "workers": _workers,
    "scheduler": _scheduler,
    "checks": _checks,
    "channel_layer": _channel_layer,
}


def platform_health(skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """``status`` is ``ok`` when every component is, ``down`` when the database is unreachable (nothing
    works then), else ``degraded``. ``skip`` leaves components out."""
    components = {name: _timed(probe) for name, probe in COMPONENTS.items() if name not in skip}
    if all(c["status"] == OK for c in components.values()):
        status = OK
    elif components["database"]["status"] != OK:
        status = "down"
    else:
        status = "degraded"
    return {"status": status, "components": components, "version": settings.VERSION}


_page_health: tuple[float, dict[str, Any]] | None = None
PAGE_HEALTH_SECONDS = 10.0


def page_health() -> dict[str, Any]:
    """The health a dashboard page shows: computed at most every ten seconds per process, so a page never
    waits on probes, and without the channel-layer round trip (the page's own live connection shows
    that one, and a probe queued behind a busy layer would stall the page)."""
    global _page_health
    now = time.monotonic()
    if _page_health is None or now - _page_health[0] > PAGE_HEALTH_SECONDS:
        _page_health = (now, platform_health(skip=("channel_layer",)))
    return _page_health[1]
