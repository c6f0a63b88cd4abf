"""schemathesis (a client this project did not write) fuzzes every operation of the OpenAPI schema against
the real platform: no request may get a 5xx, and no background task may crash on what the requests
stored (the check that found a monitor interval overflowing every dispatch). Bounded in time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e]
SECONDS = 150


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "false", "LOGIN_RATE_PER_IP": "100000"}


def test_no_operation_answers_a_server_error(platform, tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: make test installs it"
    platform.wait_healthy()
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    done = subprocess.run(
        [
            st, "run", f"{platform.url}/api/v1/schema",
            "--checks", "not_a_server_error",
            "--header", f"Authorization: Bearer {token}",
            "--max-examples", "3",
            "--max-time", str(SECONDS),
            "--request-timeout", "30",
            "--exclude-path-regex", "/claim$",  # a long poll: it waits by design
            "--seed", "7",
            "--workers", "2",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 240,
        cwd=tmp_path,
    )  # fmt: skip
    summary = done.stdout[-6000:]
    assert done.returncode == 0 and "Server error" not in done.stdout, summary
    crashed = [line for line in platform.output if "raised unexpected" in line]
    assert not crashed, "\n".join(crashed[:10]) + "\n" + platform.log()
