"""Watch the watcher: how far checking runs behind, and a ping to an outside heartbeat while it keeps up.

A platform that stopped checking cannot alert about it. With ``WATCHDOG_PING_URL`` set (another instance's
heartbeat ping URL, or any Healthchecks-compatible service), the dispatcher has a ping sent once a minute
(once across all nodes: a Redis key) while checks run on time; when they fall behind, or dispatching stops,
the pings stop and the outside service raises the alarm.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from monitoring_site import outbound_http
from monitoring_site.redis_client import get_redis, key
from monitors.models import Monitor

logger = logging.getLogger(__name__)
PING_EVERY_SECONDS = 60


def check_lag_seconds() -> float:
    """How late the most overdue check is (0 when every monitor was claimed by its due time)."""
    now = timezone.now()
    oldest = Monitor.objects.filter(is_enabled=True, is_paused=False, next_check_at__lt=now).aggregate(
        oldest=Min("next_check_at")
    )["oldest"]
    return round((now - oldest).total_seconds(), 1) if oldest else 0.0


def watchdog_ping_due() -> bool:
    """True for one caller a minute, across nodes, when a ping URL is set."""
    if not settings.WATCHDOG_PING_URL:
        return False
    try:
        return bool(get_redis().set(key("watchdog", "ping"), "1", nx=True, ex=PING_EVERY_SECONDS))
    except redis.RedisError:
        return False


def watchdog_ping() -> str:
    """Ping the outside heartbeat if checks keep up; returns what happened, for the worker's log."""
    lag = check_lag_seconds()
    if lag > settings.HEALTH_CHECK_LAG_MAX:
        logger.warning("watchdog: checks are %ss behind; no ping, so the outside heartbeat alerts", lag)
        return "behind"
    result = outbound_http.request(
        "GET", settings.WATCHDOG_PING_URL, content=None, headers={}, timeout=10, allow_private=True
    )
    if result.status_code is None or result.status_code >= 400:
        logger.warning("watchdog ping failed: %s", result.error or result.status_code)
        return "failed"
    return "sent"
