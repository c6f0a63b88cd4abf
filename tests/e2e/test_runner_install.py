"""The remote runner installs on a host on its own (``pip install ./runner``: no Django, no platform, no
third-party package) and runs real jobs against a live platform: a script and an HTTP call, which a runner
makes from its host's own network with the standard library."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, ROOT, wait_for

# What this module tests is the runner's own distribution (a fresh venv, pip, no Django) and its protocol
# against a platform: the same in either database layout, so it runs in the embedded pass only (CI time).
# The server's side of remote jobs runs in both passes (tests/e2e/test_jobs_flow.py).
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the runner's install does not depend on the platform's database: the embedded pass runs it",
    ),
]


@pytest.fixture(scope="module")
def runner_venv(tmp_path_factory):
    home = tmp_path_factory.mktemp("runner-venv")
    venv.create(home, with_pip=True)
    python = home / "bin" / "python"
    # From a copy of runner/, as a host would have it, so the build leaves nothing in the checkout.
    source = shutil.copytree(
        ROOT / "runner", home / "source", ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source],
        check=True,
        timeout=300,
    )
    return home


def test_the_runner_installs_alone(runner_venv):
    python = runner_venv / "bin" / "python"
    installed = subprocess.run(
        [python, "-m", "pip", "list", "--format", "freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    assert "monitoring-runner==" in installed
    for absent in ("django", "httpx", "aiohttp", "monitoring-platform"):
        assert f"{absent}==" not in installed, installed
    shown = subprocess.run(
        [runner_venv / "bin" / "monitoring-runner", "--help"], capture_output=True, text=True, cwd="/"
    )
    assert shown.returncode == 0 and "--enroll" in shown.stdout, shown.stderr
    bad = subprocess.run(
        [runner_venv / "bin" / "monitoring-runner", "--url", "file:///etc/passwd"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert bad.returncode == 2 and "not an http:// or https:// URL" in bad.stderr


def test_the_installed_runner_claims_and_runs_jobs(platform, runner_venv, tmp_path):
    platform.wait_healthy()
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    api = httpx.Client(
        base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    enrollment = api.post("/runners/enrollment-tokens", json={"name": "host"}).json()["data"]
    python = str(runner_venv / "bin" / "python")
    runner = subprocess.Popen(
        [
            runner_venv / "bin" / "monitoring-runner",
            "--url",
            platform.url,
            "--enroll",
            enrollment["enrollment_token"]["token"],
            "--name",
            "installed",
            "--label",
            "installed",
            "--allow",
            python,
            "--heartbeat",
            "1",
            "--token-file",
            str(tmp_path / "token.json"),
        ],
        cwd=tmp_path,  # nothing of the repository on its path
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: api.get("/runners").json()["data"]["runners"], "the runner to register", 60)
        script = api.post(
            "/tasks",
            json={
                "name": "on the host",
                "kind": "script",
                "executable": python,
                "runner": "label:installed",
                "argv": ["-c", "import sys; print('ran by', sys.executable)"],
            },
        ).json()["data"]["task"]
        call = api.post(
            "/tasks",
            json={
                "name": "call from the host",
                "kind": "http",
                "runner": "label:installed",
                "method": "GET",
                "url": f"{platform.url}/api/v1/health",
            },
        ).json()["data"]["task"]
        ids = [api.post("/jobs", json={"task": t["id"]}).json()["data"]["job"]["id"] for t in (script, call)]

        def finished(job_id: int):
            job = api.get(f"/jobs/{job_id}").json()["data"]["job"]
            return job if job["status"] in ("completed", "failed", "cancelled") else None

        ran, called = (wait_for(lambda i=i: finished(i), f"job {i}", 90) for i in ids)
        assert (ran["status"], ran["lastline"]) == ("completed", f"ran by {python}"), ran
        assert ran["runner"]["name"] == "installed"
        assert (called["status"], called["lastline"]) == ("completed", "HTTP 200 OK"), called
        assert '"status"' in called["log"]  # the response body is the log
    finally:
        runner.terminate()
        try:
            runner.wait(40)
        except subprocess.TimeoutExpired:
            runner.kill()
    output = runner.stdout.read() if runner.stdout else ""
    assert "Traceback" not in output, output
