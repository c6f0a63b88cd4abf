"""``manage.py up`` end to end: real web, worker, beat and Redis processes; HTTP and WebSocket clients."""

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.e2e.platform import ADMIN_PASSWORD, processes_with_env, wait_for

pytestmark = [pytest.mark.e2e]

EXPIRED_TOKEN_THEN_FLUSH = """
from datetime import timedelta
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from monitoring_site.accounts.tasks import flush_expired_tokens
OutstandingToken.objects.create(jti="e2e-expired", token="x", expires_at=timezone.now() - timedelta(days=1))
flush_expired_tokens.delay()
"""
COUNT_TOKENS = (
    "from rest_framework_simplejwt.token_blacklist.models import OutstandingToken; "
    "print(OutstandingToken.objects.filter(jti='e2e-expired').count())"
)


async def _next_event(url: str, token: str, publish) -> dict:
    async with websockets.connect(url) as socket:
        await socket.send(json.dumps({"auth": token, "subscribe": ["monitor.status"]}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {
            "type": "subscribed",
            "topics": ["monitor.status"],
        }
        await asyncio.to_thread(publish)
        return json.loads(await asyncio.wait_for(socket.recv(), 30))


@pytest.fixture
def platform_fresh() -> bool:
    return True  # the first start of a new user's platform: every migration runs


def test_up_runs_the_whole_platform_and_stops_cleanly(platform):
    health = platform.wait_healthy()
    assert {name: c["status"] for name, c in health["components"].items()} == {
        "database": "ok",
        "redis": "ok",
        "workers": "ok",
        "scheduler": "ok",
        "checks": "ok",
        "channel_layer": "ok",
    }
    assert "Admin user: admin" in "\n".join(platform.output)

    login = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200, login.text
    token = login.json()["data"]["token"]
    me = httpx.get(f"{platform.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()[
        "data"
    ]
    assert me["user"]["username"] == "admin" and me["organization"]["role"] == "owner"
    organization_id = me["organization"]["id"]

    detailed = httpx.get(f"{platform.url}/api/v1/health", headers={"Authorization": f"Bearer {token}"}).json()
    assert detailed["data"]["components"]["workers"]["count"] >= 1

    def publish() -> None:
        platform.publish(
            organization_id, "monitor.status", "monitor.down", {"monitor": {"id": 1, "name": "e2e"}}
        )

    ws_url = platform.url.replace("http://", "ws://") + "/api/v1/ws"
    event = asyncio.run(_next_event(ws_url, token, publish))
    assert event["event"] == "monitor.down" and event["data"]["monitor"]["name"] == "e2e"

    static = httpx.get(f"{platform.url}/static/monitoring_site/live.js")
    assert static.status_code == 200 and "WebSocket" in static.text

    # A task sent through the broker runs on the worker: an expired refresh token gets flushed.
    platform.manage("shell", "-c", EXPIRED_TOKEN_THEN_FLUSH)
    deadline = time.monotonic() + 60
    while platform.manage("shell", "-c", COUNT_TOKENS).stdout.strip().splitlines()[-1] != "0":
        assert time.monotonic() < deadline, platform.log()
        time.sleep(0.5)

    if platform.database is None:  # embedded mode: SQLite in WAL mode
        assert (platform.var_dir / "db.sqlite3-wal").exists()

    children = processes_with_env(platform.marker)
    assert len(children) >= 4, platform.log()  # redis (embedded) or none, web, worker (+ pool), beat
    assert platform.stop() == 0, platform.log()
    assert processes_with_env(platform.marker) == [], platform.log()
    assert "Stopped." in platform.log()


def test_up_restarts_a_child_that_dies(platform):
    import os
    import signal

    def beats():
        return [
            pid
            for pid in processes_with_env(platform.marker)
            if b"beat" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]

    platform.wait_healthy()
    killed = beats()
    assert killed, platform.log()
    os.kill(killed[0], signal.SIGKILL)
    wait_for(lambda: "beat exited with code -9; restarted it" in platform.log(), "the restart", 30)
    wait_for(lambda: beats() and beats() != killed, "a new beat process", 30)
    assert platform.process.poll() is None
    platform.wait_healthy()
    assert platform.stop() == 0, platform.log()
    assert processes_with_env(platform.marker) == [], platform.log()
