"""schemathesis (a client this project did not write) fuzzes every operation of the OpenAPI schema against
the real platform: no request may get a 5xx, and no background task may crash on what the requests
stored (the check that found a monitor interval overflowing every dispatch). Bounded in time."""

from __future__ import annotations

import os
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


# One object of each kind, so that the ids schemathesis draws (small integers) reach real objects and the
# detail operations answer with bodies to check against the schema, not only 404s.
SEED = [
    ("/monitors", {"name": "Site", "type": "website", "target": "https://example.com"}),
    ("/heartbeats", {"name": "Backup", "run_interval": 3600}),
    ("/channels", {"name": "ops", "type": "email", "config": {"to": ["ops@example.com"]}}),
    (
        "/alert-rules",
        {"name": "Slow", "condition": {"metric": "p95_latency_ms", "operator": "gt", "threshold": 900}},
    ),
    ("/status-pages", {"name": "Status", "slug": "status", "is_public": True}),
    ("/tasks", {"name": "nightly", "kind": "noop"}),
    ("/agents", {"name": "voice", "type": "voice_ai", "external_id": "agent_voice_001"}),
    ("/projects", {"name": "Web"}),
    ("/webhooks", {"url": "https://hooks.example.com/in", "events": ["monitor.down"]}),
    (
        "/maintenance-windows",
        {"name": "Tuesday", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T01:00:00Z"},
    ),
    ("/runners/enrollment-tokens", {"name": "rack"}),
]


def seed(url: str, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for path, body in SEED:
        answer = httpx.post(f"{url}/api/v1{path}", json=body, headers=headers)
        assert answer.status_code in (201, 202), (path, answer.text)
    task = httpx.get(f"{url}/api/v1/tasks", headers=headers).json()["data"]["tasks"][0]["id"]
    assert httpx.post(f"{url}/api/v1/jobs", json={"task": task}, headers=headers).status_code == 201


def test_no_operation_answers_a_server_error(platform, tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: make test installs it"
    platform.wait_healthy()
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    seed(platform.url, token)
    done = subprocess.run(
        [
            st, "run", f"{platform.url}/api/v1/schema",
            "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance",
            "--header", f"Authorization: Bearer {token}",
            "--max-examples", "3",
            "--max-time", str(SECONDS),
            # a manual check of a monitor may wait out the monitor's own timeout (up to 120 s)
            "--request-timeout", "130",
            "--exclude-path-regex", "/claim$",  # a long poll: it waits by design
            "--seed", os.environ.get("SCHEMATHESIS_SEED", "7"),
            "--workers", "2",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 240,
        cwd=tmp_path,
    )  # fmt: skip
    output = done.stdout
    if os.environ.get("SCHEMATHESIS_OUTPUT"):  # the whole report, for working through its findings
        Path(os.environ["SCHEMATHESIS_OUTPUT"]).write_text(output)
    # schemathesis's own runtime errors (a request it could not finish) are shown, but only the
    # platform's failures fail the test: any 5xx ("Server error") or any failed check.
    errors = output[output.find("ERRORS") : output.find("FAILURES")] if "ERRORS" in output else ""
    if errors:
        print(errors[:4000])
    failures = output[output.find("FAILURES") :] if "FAILURES" in output else ""
    assert "Server error" not in output and not failures, failures[:6000] or output[-6000:]
    assert done.returncode in (0, 1) and "Test cases:" in output, output[-6000:]
    crashed = [line for line in platform.output if "raised unexpected" in line]
    assert not crashed, "\n".join(crashed[:10]) + "\n" + platform.log()
