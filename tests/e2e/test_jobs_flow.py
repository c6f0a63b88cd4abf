"""Jobs end to end on the real processes: a local script job run by the platform's jobs worker (started
by the task's secret key too) with a signed webhook for job.completed; two real runner processes
(``python -m jobs.runner``) enrolled with a token, racing for jobs that each run exactly once; a running
remote job cancelled, its process killed by the runner."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, ROOT, wait_for
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]
PYTHON = sys.executable


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "JOBS_ALLOWED_EXECUTABLES": PYTHON}


def job_status(api: httpx.Client, job_id: int) -> dict:
    return api.get(f"/jobs/{job_id}").json()["data"]["job"]


def finished(api: httpx.Client, job_id: int) -> dict | None:
    job = job_status(api, job_id)
    return job if job["status"] in ("completed", "failed", "cancelled") else None


def start_runner(platform, tmp_path, enrollment: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "jobs.runner",
            "--url",
            platform.url,
            "--enroll",
            enrollment,
            "--name",
            name,
            "--label",
            "e2e",
            "--allow",
            PYTHON,
            "--heartbeat",
            "1",
            "--token-file",
            str(tmp_path / f"{name}.json"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_local_and_remote_jobs(platform, tmp_path):
    platform.wait_healthy()
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    api = httpx.Client(
        base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    runners: list[subprocess.Popen] = []
    with Receiver() as receiver:
        try:
            api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["job.completed"]})
            local = api.post(
                "/tasks",
                json={
                    "name": "greet",
                    "kind": "script",
                    "executable": PYTHON,
                    "task_type": "e2e",
                    "argv": ["-c", "import sys; print('hello', sys.argv[1])", "{who}"],
                    "arguments": [{"name": "who", "type": "string"}],
                },
            ).json()["data"]["task"]
            job = api.post("/jobs", json={"task": local["id"], "task_arguments": ["$(id); rm -rf /"]}).json()
            done = wait_for(lambda: finished(api, job["data"]["job"]["id"]), "the local job", 60)
            assert (done["status"], done["lastline"]) == ("completed", "hello $(id); rm -rf /"), done
            by_secret = httpx.post(
                f"{platform.url}/api/v1/jobs/secret/{local['secret_key']}",
                json={"task_arguments": {"who": "cron"}},
            )
            assert by_secret.status_code == 201, by_secret.text
            done = wait_for(
                lambda: finished(api, by_secret.json()["data"]["job"]["id"]), "the secret job", 60
            )
            assert done["lastline"] == "hello cron" and done["triggered_by"] == "secret_key"
            hooks = wait_for(lambda: len(receiver.requests) >= 2 and receiver.requests, "two webhooks", 60)
            assert {h.json()["event"] for h in hooks} == {"job.completed"}

            enrollment = api.post("/runners/enrollment-tokens", json={"name": "e2e"}).json()["data"]
            raw = enrollment["enrollment_token"]["token"]
            runners += [start_runner(platform, tmp_path, raw, name) for name in ("r1", "r2")]
            wait_for(lambda: len(api.get("/runners").json()["data"]["runners"]) == 2, "two runners", 60)
            remote = api.post(
                "/tasks",
                json={
                    "name": "remote",
                    "kind": "script",
                    "executable": PYTHON,
                    "runner": "label:e2e",
                    "argv": ["-c", "import os; print('pid', os.getpid())"],
                },
            ).json()["data"]["task"]
            ids = [
                api.post("/jobs", json={"task": remote["id"]}).json()["data"]["job"]["id"] for _ in range(6)
            ]
            results = [wait_for(lambda i=i: finished(api, i), f"remote job {i}", 90) for i in ids]
            assert {r["status"] for r in results} == {"completed"}
            assert all(
                r["lastline"].startswith("pid ") and r["runner"]["name"] in ("r1", "r2") for r in results
            )
            for job_id in ids:  # each ran exactly once
                audit = api.get(f"/jobs/{job_id}/status-audit").json()["data"]["status_audit"]
                assert [a["new_status"] for a in audit] == ["queued", "in_progress", "completed"]

            sleeper = api.post(
                "/tasks",
                json={
                    "name": "sleeper",
                    "kind": "script",
                    "executable": PYTHON,
                    "runner": "remote",
                    "argv": ["-c", "import time; print('sleeping', flush=True); time.sleep(120)"],
                },
            ).json()["data"]["task"]
            job_id = api.post("/jobs", json={"task": sleeper["id"]}).json()["data"]["job"]["id"]
            wait_for(lambda: job_status(api, job_id)["status"] == "in_progress", "the sleeper to start", 60)
            # the runner sends the output while the job runs
            wait_for(lambda: "sleeping" in job_status(api, job_id)["log"], "the running job's output", 30)
            assert api.post(f"/jobs/{job_id}/cancel").status_code == 200
            cancelled = wait_for(lambda: finished(api, job_id), "the cancelled job", 60)
            assert (cancelled["status"], cancelled["killed"]) == ("cancelled", True), cancelled
        finally:
            for runner in runners:
                runner.terminate()
            for runner in runners:
                try:
                    runner.wait(40)
                except subprocess.TimeoutExpired:
                    runner.kill()
