"""Probes end to end: the installable probe (``pip install "./runner[probe]"``, nothing of the platform)
next to a live platform. One probe runs in a network namespace of the test's own (``probe_network``), from
which the target is unreachable while the platform's local checker reaches it; where namespaces are not
permitted the test says so and falls back to a target that refuses one probe process by source port.

Then the faults: a probe killed with SIGKILL mid-batch loses its leases and the checks it held are re-run
by another probe of its location, each due time recorded once; the silent probe is found lost and
``probe.lost`` reaches the monitors' channel and the webhooks."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import venv
from datetime import datetime

import pytest

from tests.e2e.platform import ROOT, wait_for
from tests.e2e.probe_network import Forwarder, PeerAwareTarget, namespace, namespace_delete
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def probe_venv(tmp_path_factory):
    home = tmp_path_factory.mktemp("probe-venv")
    venv.create(home, with_pip=True)
    source = shutil.copytree(
        ROOT / "runner", home / "source", ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    subprocess.run(
        [home / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"{source}[probe]"],
        check=True, timeout=600,
    )  # fmt: skip
    return home


@pytest.fixture(scope="module")
def netns():
    space, reason = namespace()
    if space is None:
        print(f"\nprobe tests: {reason}; falling back to two probes on loopback", file=sys.stderr)
    yield space
    if space is not None:
        namespace_delete(space)


@pytest.fixture
def platform_env(netns):
    env = {
        "JOBS_RUNNER_OFFLINE_SECONDS": "5",
        "PROBES_LOST_GRACE_SECONDS": "30",
        "PROBES_LEASE_MARGIN_SECONDS": "2",
        "ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
    }
    if netns is not None:
        env["ALLOWED_HOSTS"] = f"127.0.0.1,localhost,{netns.host_ip}"
    return env


def start_probe(probe_venv, url, enrollment, name, location, tmp_path, netns=None):
    argv = [
        probe_venv / "bin" / "monitoring-probe", "--url", url, "--enroll", enrollment, "--name", name,
        "--location", location, "--heartbeat", "1", "--token-file", tmp_path / f"{name}.json",
    ]  # fmt: skip
    options = {"cwd": tmp_path, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    return netns.run(argv, **options) if netns is not None else subprocess.Popen(argv, **options)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.stdout.read() if process.stdout else ""


def enroll(api) -> str:
    created = api.post("/runners/enrollment-tokens", json={"name": "probes"}).json()["data"]
    return created["enrollment_token"]["token"]


def make_monitor(api, name, target, locations, **extra):
    body = {"name": name, "type": "website", "target": target, "locations": locations, **extra}
    answer = api.post("/monitors", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]["monitor"]


def location_statuses(api, monitor_id) -> dict[str, str]:
    rows = api.get(f"/monitors/{monitor_id}/locations").json()["data"]["locations"]
    return {row["location"]: row["status"] for row in rows}


def test_down_from_probe_b_up_from_local_and_the_quorum_decides(platform, probe_venv, netns, tmp_path):
    platform.wait_healthy()
    api = platform.api()
    fallback = PeerAwareTarget() if netns is None else None
    target = HttpTarget() if netns is not None else None
    forwarder = Forwarder(netns.host_ip, platform.port) if netns is not None else None
    url = f"http://{netns.host_ip}:{forwarder.port}" if netns is not None and forwarder else platform.url
    port = fallback.port if fallback else target.server.server_address[1]  # type: ignore[union-attr]
    if target is not None:
        target.__enter__()
    probe = start_probe(probe_venv, url, enroll(api), "probe-b", "probe-b", tmp_path, netns)
    try:
        if fallback is not None:
            # ip netns exec is not in the way here: the probe's own process is the one refused
            fallback.refused.add(probe.pid)
        wait_for(lambda: api.get("/runners").json()["data"]["runners"], "the probe to register", 90)
        common = {"check_interval": 10, "timeout": 3}
        site = f"http://127.0.0.1:{port}/status/200"
        both = make_monitor(api, "two of two", site, ["local", "probe-b"], quorum=2, **common)
        either = make_monitor(api, "one of two", site, ["local", "probe-b"], quorum=1, **common)
        expected = {"local": "up", "probe-b": "down"}
        for monitor in (both, either):
            wait_for(
                lambda m=monitor: location_statuses(api, m["id"]) == expected,
                f"{monitor['name']}: down from probe-b, up from local",
                90,
            )
        assert api.get(f"/monitors/{both['id']}").json()["data"]["monitor"]["status"] == "up"
        assert api.get(f"/monitors/{either['id']}").json()["data"]["monitor"]["status"] == "down"
        incidents = api.get("/incidents").json()["data"]["incidents"]
        assert [i["monitor"]["id"] for i in incidents] == [either["id"]]
        # what each location saw when it opened (local may not have reported yet: quorum 1 needs only b)
        assert incidents[0]["locations"]["probe-b"] == "down"
        assert incidents[0]["locations"]["local"] in ("pending", "up")
        assert "probe-b" in incidents[0]["error_message"]
        from_b = api.get(f"/monitors/{both['id']}/logs?location=probe-b").json()["data"]["logs"]
        assert from_b and not any(row["ok"] for row in from_b)
        from_local = api.get(f"/monitors/{both['id']}/logs?location=local").json()["data"]["logs"]
        assert from_local and all(row["ok"] for row in from_local)
        rows = api.get(f"/monitors/{both['id']}/locations").json()["data"]
        assert rows["quorum"]["down"] == ["probe-b"] and not rows["quorum"]["is_down"]
    finally:
        output = stop(probe)
        if target is not None:
            target.__exit__(None, None, None)
        if fallback is not None:
            fallback.close()
        if forwarder is not None:
            forwarder.close()
    assert "Traceback" not in output, output


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_probe_killed_mid_batch_is_rerun_elsewhere_and_reported_lost(platform, probe_venv, tmp_path):
    platform.wait_healthy()
    api = platform.api()
    with Receiver() as receiver, HttpTarget() as target:
        hook = api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["probe.lost"]})
        assert hook.status_code == 201, hook.text
        channel = api.post(
            "/channels",
            json={"name": "ops", "type": "webhook", "config": {"url": f"{receiver.url}/channel"}},
        ).json()["data"]["channel"]
        enrollment = enroll(api)
        doomed = start_probe(probe_venv, platform.url, enrollment, "doomed", "eu", tmp_path)
        wait_for(lambda: api.get("/runners").json()["data"]["runners"], "the probe to register", 90)
        slow = f"{target.url}/slow/4"
        monitor = make_monitor(
            api, "slow", slow, ["eu"], check_interval=300, timeout=8, notifications=[channel["id"]]
        )
        wait_for(lambda: target.in_flight >= 1, "the doomed probe's check to be in flight", 60)
        killed_at = time.time()
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        survivor = start_probe(probe_venv, platform.url, enrollment, "survivor", "eu", tmp_path)
        try:
            logs_url = f"/monitors/{monitor['id']}/logs?location=eu"
            logs = wait_for(
                lambda: api.get(logs_url).json()["data"]["logs"], "the lapsed check to be re-run", 90
            )
            # the due time the doomed probe held, run again by the survivor (its next due is 5 min away)
            assert len(logs) == 1, logs
            due = _moment(logs[0]["scheduled_for"]).timestamp()
            assert killed_at - 10 <= due <= killed_at, (logs, killed_at)
            assert logs[0]["ok"] and _moment(logs[0]["checked_at"]).timestamp() > killed_at

            def lost():
                found = [r.json() for r in receiver.requests if r.path in ("/hook", "/channel")]
                return [body for body in found if "doomed" in str(body)]

            alerts = wait_for(lambda: len(lost()) >= 2 and lost(), "probe.lost to hook and channel", 90)
            hooked = next(r.json() for r in receiver.requests if r.path == "/hook")
            assert hooked["event"] == "probe.lost" and hooked["probe"]["name"] == "doomed"
            assert {r.path for r in receiver.requests if "doomed" in r.body.decode()} == {"/hook", "/channel"}
            assert len(alerts) >= 2
            assert len(api.get(logs_url).json()["data"]["logs"]) == 1
            runners = {r["name"]: r for r in api.get("/runners").json()["data"]["runners"]}
            assert runners["doomed"]["lost_at"] and runners["survivor"]["online"]
        finally:
            output = stop(survivor)
        assert "Traceback" not in output, output
