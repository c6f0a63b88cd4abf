"""The checker worker killed with SIGKILL in the middle of a batch: ``up`` restarts it, every monitor is
checked again within two intervals, and no failing monitor gets a second incident."""

import os
import signal
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, processes_with_env, wait_for
from tests.monitors.targets import HttpTarget

pytestmark = [pytest.mark.e2e]
INTERVAL = 10
HEALTHY, FAILING = 12, 8


def _checker_pids(platform) -> list[int]:
    def cmdline(pid: int) -> bytes:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return b""

    return [
        p for p in processes_with_env(platform.marker) if b"worker" in cmdline(p) and b"checks" in cmdline(p)
    ]


def _checked_at(api: httpx.Client) -> dict[int, datetime | None]:
    monitors = api.get("/monitors", params={"per_page": 100}).json()["data"]["monitors"]
    return {
        m["id"]: datetime.fromisoformat(m["last_checked_at"].replace("Z", "+00:00"))
        if m["last_checked_at"]
        else None
        for m in monitors
    }


def test_checker_killed_mid_batch_checks_everything_again_without_duplicate_incidents(platform):
    platform.wait_healthy()
    with HttpTarget() as target:
        token = httpx.post(
            f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["data"]["token"]
        api = httpx.Client(base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        for i in range(HEALTHY + FAILING):
            path = "/slow/2" if i < HEALTHY else "/slow/2/500"  # every check takes 2 s: a batch in flight
            created = api.post(
                "/monitors",
                json={
                    "name": f"m{i}",
                    "type": "website",
                    "target": f"{target.url}{path}",
                    "check_interval": INTERVAL,
                    "timeout": 5,
                },
            )
            assert created.status_code == 201, created.text
        wait_for(lambda: all(_checked_at(api).values()), "a first check of every monitor", 60)
        wait_for(
            lambda: len(api.get("/incidents").json()["data"]["incidents"]) == FAILING,
            "the failing monitors' incidents",
        )

        wait_for(lambda: target.in_flight >= 5, "a batch in flight", 30)
        checkers = _checker_pids(platform)
        assert checkers, platform.log()
        killed_at = datetime.fromisoformat(
            api.get("/health").json()["meta"]["timestamp"].replace("Z", "+00:00")
        )
        for pid in checkers:
            os.kill(pid, signal.SIGKILL)

        wait_for(lambda: "checker exited with code -9; restarted it" in platform.log(), "the restart", 30)
        wait_for(
            lambda: all(at and at > killed_at for at in _checked_at(api).values()),
            "every monitor checked again after the kill",
            2 * INTERVAL + 30,  # two intervals, plus the new worker's start
        )
        incidents = api.get("/incidents", params={"per_page": 100}).json()["data"]["incidents"]
        assert len(incidents) == FAILING and {i["status"] for i in incidents} == {"open"}
        assert len({i["monitor"]["id"] for i in incidents}) == FAILING
        assert platform.process.poll() is None
