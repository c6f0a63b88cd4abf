"""Redis restarted empty mid-run (a restart that keeps nothing is a flush): nothing the platform accepted is
lost. Jobs accepted while Redis was away or whose queued message Redis lost are enqueued again from the
database, a failing check's incident still reaches the webhook (the outbox), and checking resumes within
an interval of Redis's return."""

import sys
import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.e2e.faults import RedisServer, check_times, longest_gap, needs_postgres
from tests.e2e.platform import wait_for
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e, needs_postgres]
INTERVAL = 10
OUTAGE = 10


@pytest.fixture(scope="module")
def own_redis():
    with RedisServer() as server:
        yield server


@pytest.fixture
def platform_env(own_redis):
    return {
        "REDIS_URL": own_redis.url,
        "REDIS_KEY_PREFIX": "restart",
        "ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "JOBS_ALLOWED_EXECUTABLES": sys.executable,
        "JOBS_REENQUEUE_SECONDS": "10",
        "JOBS_WORKER_CONCURRENCY": "1",
    }


def _finished(api, job_id: int) -> bool:
    return api.get(f"/jobs/{job_id}").json()["data"]["job"]["status"] == "completed"


def test_a_redis_restart_that_loses_everything_loses_no_accepted_work(platform, own_redis):
    platform.wait_healthy()
    with HttpTarget() as target, Receiver() as receiver:
        api = platform.api()
        api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["incident.created"]})
        healthy = api.post(
            "/monitors",
            json={"name": "up", "type": "website", "target": target.url, "check_interval": INTERVAL},
        ).json()["data"]["monitor"]["id"]
        task = api.post(
            "/tasks",
            json={
                "name": "t",
                "kind": "script",
                "executable": sys.executable,
                "argv": ["-c", "print('done')"],
            },
        ).json()["data"]["task"]["id"]
        sleeper = api.post(
            "/tasks",
            json={
                "name": "sleeper",
                "kind": "script",
                "executable": sys.executable,
                "argv": ["-c", f"import time; time.sleep({OUTAGE + 15}); print('slept')"],
            },
        ).json()["data"]["task"]["id"]
        wait_for(lambda: len(check_times(api, healthy)) >= 2, "two checks", 60)
        # the one jobs thread runs the sleeper through the outage; the jobs behind it wait in Redis
        running = api.post("/jobs", json={"task": sleeper}).json()["data"]["job"]["id"]
        wait_for(
            lambda: api.get(f"/jobs/{running}").json()["data"]["job"]["status"] == "in_progress",
            "the sleeper",
        )
        queued = [api.post("/jobs", json={"task": task}).json()["data"]["job"]["id"] for _ in range(3)]

        raw_key = api.post("/api-keys", json={"name": "ci", "scope": "write"}).json()["data"]["api_key"][
            "key"
        ]
        keyed = httpx.Client(
            base_url=api.base_url, headers={"Authorization": f"Bearer {raw_key}"}, timeout=30
        )

        outage_began = datetime.now(UTC)
        own_redis.kill()
        refused = api.get("/monitors")  # a JWT's revocation cannot be checked without Redis
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "service_unavailable" and refused.headers["retry-after"]
        failing = keyed.post(  # an API key lives in the database: writes go on
            "/monitors",
            json={
                "name": "down",
                "type": "website",
                "target": f"{target.url}/status/500",
                "check_interval": 10,
            },
        )
        assert failing.status_code == 201, failing.text
        during = keyed.post("/jobs", json={"task": task})
        assert during.status_code == 201, during.text
        time.sleep(OUTAGE)
        own_redis.start()  # empty: every queued message and key is gone
        back = datetime.now(UTC)

        for job_id in [running, *queued, during.json()["data"]["job"]["id"]]:
            wait_for(lambda job_id=job_id: _finished(api, job_id), f"job {job_id} to complete", 90)
        sleeper_run = api.get(f"/jobs/{running}").json()["data"]["job"]
        assert (sleeper_run["attempt"], sleeper_run["lastline"]) == (1, "slept"), sleeper_run
        wait_for(
            lambda: len([t for t in check_times(api, healthy) if t > back]) >= 2,
            "checks after the return",
            60,
        )
        assert longest_gap(check_times(api, healthy), outage_began) <= OUTAGE + 2 * INTERVAL + 3
        incident = wait_for(lambda: api.get("/incidents").json()["data"]["incidents"], "the incident", 60)
        hooks = wait_for(
            lambda: [r.json() for r in receiver.requests if r.path == "/hook"], "its webhook", 60
        )
        assert hooks[0]["incident"]["id"] == incident[0]["id"]
        assert platform.wait_healthy(30)["status"] == "ok"
