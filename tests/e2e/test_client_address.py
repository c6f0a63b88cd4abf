"""The per-address login limit on the real web server: with TRUST_X_FORWARDED_FOR unset, a client on
127.0.0.1 that rotates X-Forwarded-For is still one address (uvicorn must not rewrite it)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = [pytest.mark.e2e]
LIMIT = 3


@pytest.fixture
def platform_env():
    return {"LOGIN_RATE_PER_IP": str(LIMIT), "TRUST_X_FORWARDED_FOR": "false"}


def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(platform):
    platform.wait_healthy()
    statuses = []
    # Twice the limit and one: even if the clock minute (the limit's window) turns once, one window
    # holds more than the limit.
    for i in range(2 * LIMIT + 1):
        answer = httpx.post(
            f"{platform.url}/api/v1/auth/login",
            json={"username": f"nobody{i}", "password": "x"},
            headers={"X-Forwarded-For": f"203.0.113.{i + 1}", "X-Real-IP": f"198.51.100.{i + 1}"},
            timeout=10,
        )
        statuses.append(answer.status_code)
    assert 429 in statuses, statuses
    assert set(statuses) <= {401, 429}, statuses
