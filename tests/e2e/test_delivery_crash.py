"""A worker killed with SIGKILL in the middle of delivering webhooks: every event still arrives, at least
once, and any duplicate carries the same event id (DESIGN section 2)."""

import contextlib
import hashlib
import hmac
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, Platform, processes_with_env
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]
EVENTS = 120

EMIT = """
from django.db import transaction
from monitoring_site.accounts.models import Organization
from monitoring_site.events import emit
org = Organization.objects.get()
for i in range({count}):
    with transaction.atomic():
        payload = {{"monitor": {{"id": i, "name": f"m{{i}}"}}}}
        emit(org, "monitor.down", payload, subject_type="monitor", subject_id=i)
"""


def _pool_processes(platform: Platform) -> list[int]:
    """The worker's pool children: processes of the platform whose parent is the worker's main process."""
    pids = processes_with_env(platform.marker)
    main = [
        p
        for p in pids
        if b"worker" in Path(f"/proc/{p}/cmdline").read_bytes()
        and b"celery" in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    parents = {p: int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1]) for p in pids}
    return [p for p in pids if parents.get(p) in main]


@pytest.fixture
def crash_platform(tmp_path_factory):
    running = Platform(
        tmp_path_factory.mktemp("crash"),
        extra_env={"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "DELIVERY_LEASE_SECONDS": "5"},
    )
    running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):  # a clean stop also ends the embedded Redis it started
            running.stop(timeout=30)
        running.cleanup()


def test_worker_killed_mid_delivery_loses_nothing(crash_platform):
    platform = crash_platform
    platform.wait_healthy()
    with Receiver() as receiver:
        receiver.delay = 0.05
        login = httpx.post(
            f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        api = httpx.Client(
            base_url=f"{platform.url}/api/v1",
            headers={"Authorization": f"Bearer {login.json()['data']['token']}"},
        )
        created = api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["monitor.down"]})
        webhook = created.json()["data"]["webhook"]

        platform.manage("shell", "-c", EMIT.format(count=EVENTS))
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 10:
            assert time.monotonic() < deadline, platform.log()
            time.sleep(0.05)
        killed = _pool_processes(platform)
        assert killed, platform.log()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)

        deadline = time.monotonic() + 180
        while True:
            summary = api.get(f"/webhooks/{webhook['id']}/deliveries", params={"status": "delivered"}).json()
            if summary["data"]["pagination"]["total_items"] == EVENTS:
                break
            assert time.monotonic() < deadline, (summary["data"]["pagination"], platform.log())
            time.sleep(1)

        ids = [r.headers["x-event-id"] for r in receiver.requests]
        assert len(set(ids)) == EVENTS
        for request in receiver.requests:
            expected = hmac.new(webhook["secret"].encode(), request.body, hashlib.sha256).hexdigest()
            assert request.headers["x-signature"] == f"sha256={expected}"
            assert request.json()["id"] == request.headers["x-event-id"]
        print(f"{len(ids)} requests for {EVENTS} events; {len(ids) - EVENTS} duplicates after the kill")
