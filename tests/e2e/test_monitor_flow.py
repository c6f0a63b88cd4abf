"""A monitor end to end on the real processes: up, the target stops, down with one incident, one signed
webhook and one WebSocket event, the target returns, the incident resolves."""

import asyncio
import json

import httpx
import pytest
import websockets

from tests.e2e.platform import ADMIN_PASSWORD, wait_for
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true"}


class Events:
    """Collects monitor.status events from the WebSocket in a background thread's loop."""

    def __init__(self, url: str, token: str):
        self.url, self.token, self.received, self.ready = url, token, [], False

    async def run(self, stop: asyncio.Event):
        async with websockets.connect(self.url) as socket:
            await socket.send(json.dumps({"auth": self.token, "subscribe": ["monitor.status"]}))
            await socket.recv()
            self.ready = True
            while not stop.is_set():
                try:
                    self.received.append(json.loads(await asyncio.wait_for(socket.recv(), 0.5)))
                except TimeoutError:
                    continue
                except websockets.ConnectionClosed:  # the platform stopped first
                    return


def test_monitor_goes_down_and_up_with_one_incident(platform):
    import threading

    platform.wait_healthy()
    target = HttpTarget()
    port = target.server.server_address[1]
    target.__enter__()
    with Receiver() as receiver:
        token = httpx.post(
            f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["data"]["token"]
        api = httpx.Client(base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["monitor.down", "monitor.up"]})
        events = Events(platform.url.replace("http://", "ws://") + "/api/v1/ws", token)
        stop = asyncio.Event()
        listener = threading.Thread(target=lambda: asyncio.run(events.run(stop)), daemon=True)
        listener.start()
        wait_for(lambda: events.ready, "the WebSocket subscription", 20)

        created = api.post(
            "/monitors",
            json={
                "name": "local",
                "type": "website",
                "target": f"{target.url}/status/200",
                "check_interval": 10,
                "timeout": 2,
            },
        )
        monitor_id = created.json()["data"]["monitor"]["id"]
        wait_for(lambda: api.get(f"/monitors/{monitor_id}").json()["data"]["monitor"]["status"] == "up", "up")

        target.__exit__(None, None, None)  # the target goes away
        wait_for(
            lambda: api.get(f"/monitors/{monitor_id}").json()["data"]["monitor"]["status"] == "down", "down"
        )
        incidents = api.get("/incidents", params={"monitor_id": monitor_id}).json()["data"]["incidents"]
        assert len(incidents) == 1 and incidents[0]["status"] == "open"

        revived = HttpTarget(port=port).__enter__()  # back on the same address
        try:
            wait_for(
                lambda: api.get(f"/monitors/{monitor_id}").json()["data"]["monitor"]["status"] == "up",
                "up again",
            )
            resolved = wait_for(
                lambda: [
                    i
                    for i in api.get("/incidents", params={"monitor_id": monitor_id}).json()["data"][
                        "incidents"
                    ]
                    if i["status"] == "resolved"
                ],
                "the incident to resolve",
            )
            assert len(resolved) == 1
            hooks = wait_for(lambda: len(receiver.requests) >= 2 and receiver.requests, "webhooks")
            assert [r.json()["event"] for r in hooks] == ["monitor.down", "monitor.up"]
            wait_for(lambda: len(events.received) >= 2, "WebSocket events", 20)
            assert [e["event"] for e in events.received] == ["monitor.down", "monitor.up"]
            assert events.received[0]["data"]["incident"]["id"] == incidents[0]["id"]
        finally:
            stop.set()
            revived.__exit__(None, None, None)
