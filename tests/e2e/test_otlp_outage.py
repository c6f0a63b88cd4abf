"""An OTLP export during a PostgreSQL outage longer than the pool's wait (``DB_POOL_TIMEOUT``) is
answered 503 with ``Retry-After`` and stores nothing; once the database is back, exports are accepted
again. (A shorter outage only delays the answer: the request waits for a connection, then succeeds.)"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from tests.e2e.faults import database_outage, needs_postgres
from tests.e2e.platform import wait_for

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def platform_env():
    return {"DB_POOL_TIMEOUT": "2"}


@needs_postgres
def test_a_database_outage_is_503_with_retry_after_and_nothing_half_stored(platform):
    platform.wait_healthy()
    api = platform.api()
    created = api.post("/agents", json={"name": "outage-agent"}).json()["data"]["agent"]
    headers = {"Authorization": f"Bearer {created['ingest_token']}", "Content-Type": "application/json"}

    def batch(first: int) -> bytes:
        now = time.time_ns()
        spans = [
            {
                "traceId": f"{first + i:032x}",
                "spanId": f"{first + i:016x}",
                "name": "chat",
                "startTimeUnixNano": str(now - 10**8),
                "endTimeUnixNano": str(now),
                "attributes": [{"key": "gen_ai.request.model", "value": {"stringValue": "m"}}],
            }
            for i in range(50)
        ]
        return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}).encode()

    traces = f"{platform.url}/v1/traces"
    assert httpx.post(traces, content=batch(1), headers=headers).status_code == 200
    outage = threading.Thread(target=database_outage, args=(platform.env["DATABASE_URL"], 5))
    outage.start()
    time.sleep(1)
    refused = httpx.post(traces, content=batch(1000), headers=headers, timeout=30)
    outage.join()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    wait_for(
        lambda: httpx.post(traces, content=batch(2000), headers=headers, timeout=30).status_code == 200,
        "an export accepted once the database is back",
        60,
    )
    figures = api.get(f"/agents/{created['id']}").json()["data"]["agent"]["metrics_detailed"]
    assert figures["requests"]["total"] == 100  # the first and the last batch; the refused one not at all
