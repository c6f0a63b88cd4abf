"""The ``monitoring`` command, run for real in a subprocess against the live platform: login, monitors,
heartbeat pings wrapping a command, jobs with --wait, live events, export and apply; tables for people,
--json for scripts, and exit codes CI can test."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.e2e.platform import ADMIN_PASSWORD, wait_for

pytestmark = [pytest.mark.e2e]
MONITORING = str(Path(sys.executable).parent / "monitoring")


@pytest.fixture
def cli(sdk_platform, tmp_path):
    env = {
        **os.environ,
        "MONITORING_CONFIG": str(tmp_path / "config.json"),
        "MONITORING_URL": sdk_platform.url,
    }
    env.pop("MONITORING_API_KEY", None)

    def run(*args: str, check_exit: int | None = 0, **extra_env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [MONITORING, *args], env={**env, **extra_env}, capture_output=True, text=True, timeout=120
        )
        if check_exit is not None:
            assert done.returncode == check_exit, (done.returncode, done.stdout, done.stderr)
        return done

    run.config = tmp_path / "config.json"  # type: ignore[attr-defined]
    return run


def test_login_and_monitors(cli):
    assert cli("monitors", "list", check_exit=3).stderr.startswith("monitoring: ")  # not logged in yet
    cli("login", "--username", "admin", MONITORING_PASSWORD=ADMIN_PASSWORD)
    saved = json.loads(cli.config.read_text())
    assert (
        saved["username"] == "admin"
        and saved["refresh_token"]
        and ADMIN_PASSWORD not in cli.config.read_text()
    )
    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600

    created = json.loads(
        cli(
            "--json",
            "monitors",
            "create",
            "--name",
            "cli-shop",
            "--type",
            "website",
            "--target",
            "https://cli-shop.example",
            "check_interval=300",
        ).stdout
    )
    assert created["name"] == "cli-shop" and created["check_interval"] == 300
    table = cli("monitors", "list").stdout.splitlines()
    assert table[0].split()[:4] == ["ID", "NAME", "TYPE", "STATUS"]
    assert any(line.split()[1] == "cli-shop" for line in table[1:])
    listed = json.loads(cli("--json", "monitors", "list").stdout)
    assert any(m["id"] == created["id"] for m in listed)
    cli("monitors", "pause", str(created["id"]))
    assert json.loads(cli("--json", "monitors", "get", str(created["id"])).stdout)["status"] == "paused"
    cli("monitors", "resume", str(created["id"]))
    assert "not_found" in cli("monitors", "get", "999999", check_exit=4).stderr
    refused = cli("monitors", "create", "--name", "x", "--type", "teleport", check_exit=5)
    assert "validation_error" in refused.stderr and "type" in refused.stderr
    cli("monitors", "delete", str(created["id"]))
    plain = json.loads(  # --type defaults to a real monitor type
        cli("--json", "monitors", "create", "--name", "cli-plain", "--target", "https://plain.example").stdout
    )
    assert plain["type"] == "website"
    assert cli("--api-key", "msk_wrong", "monitors", "list", check_exit=3).returncode == 3
    assert cli("alerts", "list").stdout.split()[:3] == ["ID", "SEVERITY", "STATUS"]
    assert cli("monitors", check_exit=2).returncode == 2  # usage
    assert "key=value" in cli("monitors", "create", "--name", "x", "oops", check_exit=2).stderr


def test_login_with_an_api_key(cli, write_key):
    assert "authentication_failed" in cli("login", "--api-key", "msk_wrong", check_exit=3).stderr
    assert not cli.config.exists()  # a refused key is not saved
    cli("login", "--api-key", write_key)
    assert json.loads(cli.config.read_text())["api_key"] == write_key
    assert cli("monitors", "list").stdout.startswith("ID")


def test_ping_wraps_a_command(cli, admin):
    beat = admin.heartbeats.create(name="cli-backup", run_interval=3600)
    token = beat["ping_url"].rsplit("/", 1)[1]
    cli("ping", token, "--start", MONITORING_URL=beat["ping_url"].split("/ping/")[0])
    done = cli(
        "ping",
        token,
        "--",
        sys.executable,
        "-c",
        "print('copied 12 files'); raise SystemExit(3)",
        check_exit=3,
    )
    assert "copied 12 files" in done.stdout
    assert cli("ping", "x" * 22, check_exit=4).returncode == 4
    pings = wait_for(
        lambda: (p := admin.heartbeats.pings(beat["id"])["pings"]) and len(p) >= 3 and p, "pings"
    )
    ordered = sorted(pings, key=lambda p: p["id"])
    assert [p["kind"] for p in ordered[:2]] == ["start", "start"]
    assert ordered[2]["exit_status"] == 3 and "copied 12 files" in ordered[2]["body"]
    assert ordered[1]["rid"] == ordered[2]["rid"]
    dashed = "-" + token[1:]  # tokens are URL-safe base64: one can start with "-" (argparse's option mark)
    assert "(404)" in cli("ping", dashed, "--fail", check_exit=4).stderr


def test_jobs_run_and_wait(cli, admin):
    cli("login", "--username", "admin", MONITORING_PASSWORD=ADMIN_PASSWORD)
    admin.tasks.create(name="cli-noop", kind="noop")
    done = cli("jobs", "run", "cli-noop", "--wait")
    assert "completed" in done.stderr
    job = json.loads(cli("--json", "jobs", "run", "cli-noop").stdout)
    assert job["status"] in ("queued", "in_progress", "completed")
    assert cli("jobs", "run", "no-such-task", check_exit=4).returncode == 4


def test_tail_prints_live_events(cli, sdk_platform, admin):
    cli("login", "--username", "admin", MONITORING_PASSWORD=ADMIN_PASSWORD)
    agent = admin.agents.create(name="cli-live", type="chat")
    env = {**os.environ, "MONITORING_CONFIG": str(cli.config), "MONITORING_URL": sdk_platform.url}
    tail = subprocess.Popen(
        [MONITORING, "--json", "tail", "agent.status"], env=env, stdout=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(tail.stdout), daemon=True).start()  # type: ignore[arg-type]
    try:
        paused = False

        def change_status_until_printed() -> list[str]:
            # the tail process may still be starting: each round changes the agent's status again
            nonlocal paused
            (admin.agents.resume if paused else admin.agents.pause)(agent["id"], reason="tail test")
            paused = not paused
            return lines

        wait_for(change_status_until_printed, "a live event printed by monitoring tail", 60)
        event = json.loads(lines[0])
        assert event["topic"] == "agent.status" and event["data"]["agent"]["id"] == agent["id"]
    finally:
        tail.terminate()
        tail.wait(10)


def test_export_and_apply(cli, admin, tmp_path):
    cli("login", "--username", "admin", MONITORING_PASSWORD=ADMIN_PASSWORD)
    admin.monitors.create(name="cli-config", type="website", target="https://cfg.example")
    path = tmp_path / "platform.json"
    cli("export", "--output", str(path))
    document = json.loads(path.read_text())
    assert any(m["key"] == "cli-config" for m in document["monitors"])
    same = cli("apply", str(path)).stdout
    assert "applied: 0 to create, 0 to update, 0 to delete" in same
    document["monitors"] = [
        {**m, "name": "cli-config-2"} if m["key"] == "cli-config" else m for m in document["monitors"]
    ]
    path.write_text(json.dumps(document))
    dry = cli("apply", str(path), "--dry-run").stdout
    assert "update  monitors" in dry and "would change: 0 to create, 1 to update" in dry
    assert any(m["name"] == "cli-config" for m in admin.monitors.list())
    cli("apply", str(path))
    assert any(m["name"] == "cli-config-2" for m in admin.monitors.list())
    path.write_text(json.dumps({"monitors": [{"key": "bad", "type": "teleport"}]}))
    assert "validation_error" in cli("apply", str(path), check_exit=5).stderr
