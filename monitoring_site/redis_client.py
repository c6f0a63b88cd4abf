"""One Redis client per process for the few places that need Redis directly (health keys, rate limits).

Django's cache and the channel layer have their own connections; this one serves keys whose names other
processes must know (``scan`` over worker heartbeats), which the cache's key mangling would hide.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
    )


def key(*parts: str) -> str:
    """A Redis key in the platform's namespace: ``key("health", "beat")`` -> ``msp:health:beat``."""
    return ":".join([settings.REDIS_KEY_PREFIX, *parts])


def get_text(name: str) -> str | None:
    """GET as text. (redis-py's sync client is typed as possibly awaitable; this narrows it.)"""
    value: Any = get_redis().get(name)
    return None if value is None else str(value)


def exists(name: str) -> bool:
    count: Any = get_redis().exists(name)
    return int(count) > 0
