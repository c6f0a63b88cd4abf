"""Login rate limits kept in Redis, so they hold across every web process.

Two limits: attempts per minute from one client address (slows a spray across usernames) and failed
attempts per username over 15 minutes (slows guessing one account's password from many addresses).
"""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.exceptions import Throttled

from monitoring_site.redis_client import get_redis, key

FAILURE_WINDOW = 15 * 60


def client_address(request) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def login_attempt_check(*, address: str, username: str) -> None:
    """Count this attempt against the address and refuse it (429) when a limit is reached."""
    client = get_redis()
    minute = int(time.time() // 60)
    ip_key = key("ratelimit", "login-ip", address, str(minute))
    fail_key = key("ratelimit", "login-fail", username.lower())
    pipe = client.pipeline()
    pipe.incr(ip_key)
    pipe.expire(ip_key, 120)
    pipe.get(fail_key)
    pipe.ttl(fail_key)
    attempts, _, failures, ttl = pipe.execute()
    if attempts > settings.LOGIN_RATE_PER_IP:
        raise Throttled(wait=60 - time.time() % 60, detail="Too many login attempts from this address.")
    if failures is not None and int(failures) >= settings.LOGIN_FAILURES_PER_USERNAME:
        raise Throttled(wait=max(int(ttl), 1), detail="Too many failed logins for this username.")


def login_failure_record(*, username: str) -> None:
    fail_key = key("ratelimit", "login-fail", username.lower())
    pipe = get_redis().pipeline()
    # The window starts at the first failure (SET NX keeps it; works on the embedded Redis 6.2 too).
    pipe.set(fail_key, 0, ex=FAILURE_WINDOW, nx=True)
    pipe.incr(fail_key)
    pipe.execute()


def login_failures_clear(*, username: str) -> None:
    get_redis().delete(key("ratelimit", "login-fail", username.lower()))
