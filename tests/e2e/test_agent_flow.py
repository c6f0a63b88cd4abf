"""An agent end to end on the real processes: a small simulated agent process (its own Python, httpx,
websockets, its ingest token) heartbeats and reports telemetry and logs, and listens for commands on the
WebSocket; an admin pauses it over the API; the agent receives the command pushed on the WebSocket (and
in a heartbeat answer) and acknowledges it; the status change reached a webhook."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, wait_for
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]

AGENT = textwrap.dedent("""
    import datetime, json, sys, threading, time
    import httpx
    from websockets.sync.client import connect
    url, agent_id, token = sys.argv[1], sys.argv[2], sys.argv[3]
    auth = {"Authorization": f"Bearer {token}"}
    client = httpx.Client(base_url=f"{url}/api/v1/agents/{agent_id}", headers=auth)
    done = set()

    def listen():
        with connect(url.replace("http", "ws", 1) + "/api/v1/ws") as socket:
            login = {"auth": token, "agent_id": int(agent_id), "subscribe": ["agent.commands"]}
            socket.send(json.dumps(login))
            for raw in socket:
                message = json.loads(raw)
                if message["type"] == "subscribed":
                    print("subscribed", flush=True)
                elif message.get("event") == "agent.command":
                    print("pushed", message["data"]["command"]["action"], flush=True)

    threading.Thread(target=listen, daemon=True).start()
    for _ in range(600):
        now = datetime.datetime.now(datetime.UTC).isoformat()
        events = [{"timestamp": now, "request_id": f"r{i}", "model": "claude", "latency_ms": 120 + i,
                   "input_tokens": 100, "output_tokens": 50, "success": True} for i in range(20)]
        client.post("/events", json={"events": events}).raise_for_status()
        line = {"timestamp": now, "level": "info", "message": "served a batch"}
        client.post("/logs", json={"logs": [line]})
        answer = client.post("/heartbeat", json={"status": "healthy", "version": "1.0"}).json()["data"]
        for command in answer["commands"]:
            if command["id"] not in done:
                client.post(f"/commands/{command['id']}/ack", json={"result": f"did {command['action']}"})
                done.add(command["id"])
                print("acknowledged", command["action"], flush=True)
        time.sleep(0.5)
""")


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true"}


def test_simulated_agent_is_paused_and_acknowledges(platform, tmp_path):
    platform.wait_healthy()
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    api = httpx.Client(
        base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    with Receiver() as receiver:
        api.post(
            "/webhooks", json={"url": f"{receiver.url}/hook", "events": ["monitoring.agent_status_changed"]}
        )
        created = api.post("/agents", json={"name": "voice", "type": "voice_ai"}).json()["data"]["agent"]
        script = tmp_path / "agent.py"
        script.write_text(AGENT)
        agent = subprocess.Popen(
            [sys.executable, str(script), platform.url, str(created["id"]), created["ingest_token"]],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output: list[str] = []
        threading.Thread(target=lambda: output.extend(agent.stdout), daemon=True).start()  # type: ignore[arg-type]
        try:
            url = f"/agents/{created['id']}"
            wait_for(lambda: "subscribed\n" in output, "the agent's WebSocket subscription", 60)
            wait_for(
                lambda: api.get(url).json()["data"]["agent"]["status"] == "healthy", "a healthy agent", 60
            )
            wait_for(
                lambda: api.get(url).json()["data"]["agent"]["metrics_detailed"]["requests"]["total"] >= 40,
                "telemetry in the rollups",
                60,
            )
            paused = api.post(f"{url}/pause", json={"reason": "maintenance", "duration_minutes": 30}).json()
            assert paused["data"]["pause"]["current_status"] == "paused"
            controls = wait_for(
                lambda: [
                    c for c in api.get(f"{url}/controls").json()["data"]["controls"] if c["acknowledged_at"]
                ],
                "the agent to acknowledge the pause",
                60,
            )
            assert controls[0]["action"] == "pause" and controls[0]["result"] == "did pause"
            wait_for(lambda: "pushed pause\n" in output, "the pause pushed on the WebSocket", 30)
            assert api.get(url).json()["data"]["agent"]["status"] == "paused"
            logs = api.get("/logs", params={"search": "served", "agent_id": created["id"]}).json()["data"][
                "logs"
            ]
            assert logs and logs[0]["message"] == "served a batch"
            hooks = wait_for(
                lambda: len(receiver.requests) >= 2 and receiver.requests, "two status webhooks", 60
            )
            assert [h.json()["current_status"] for h in hooks][:2] == ["healthy", "paused"]
        finally:
            agent.kill()
            agent.wait()
