"""An alert end to end on the real processes: a custom metric pushed over HTTP, a rule evaluated by beat and
the worker, the alert seen over the REST API, the WebSocket and a signed webhook, then acknowledged."""

import asyncio
import hashlib
import hmac
import json

import httpx
import pytest
import websockets

from tests.e2e.platform import ADMIN_PASSWORD, wait_for
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true"}


async def _first_alert_event(url: str, token: str, ready: asyncio.Event) -> dict:
    async with websockets.connect(url) as socket:
        await socket.send(json.dumps({"auth": token, "subscribe": ["alert.updates"]}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "subscribed"
        ready.set()
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 90))
            if message["event"] == "monitoring.alert_triggered":
                return message


def test_metric_to_rule_to_alert_to_webhook_and_websocket(platform):
    platform.wait_healthy()
    with Receiver() as receiver:
        token = httpx.post(
            f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["data"]["token"]
        api = httpx.Client(base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        secret = api.post(
            "/webhooks", json={"url": f"{receiver.url}/hook", "events": ["monitoring.alert_triggered"]}
        ).json()["data"]["webhook"]["secret"]
        api.post(
            "/channels", json={"name": "ops", "type": "webhook", "config": {"url": f"{receiver.url}/ops"}}
        )
        rule = api.post(
            "/alert-rules",
            json={
                "name": "Queue backing up",
                "severity": "critical",
                "channels": ["ops"],
                "check_interval": 10,
                "condition": {
                    "metric": "orders.queue_depth",
                    "operator": "gt",
                    "threshold": 100,
                    "duration_minutes": 0,
                },
            },
        )
        assert rule.status_code == 201, rule.text

        async def scenario() -> dict:
            ready = asyncio.Event()
            listener = asyncio.create_task(
                _first_alert_event(platform.url.replace("http://", "ws://") + "/api/v1/ws", token, ready)
            )
            await ready.wait()
            pushed = await asyncio.to_thread(
                api.post, "/metrics", json={"points": [{"name": "orders.queue_depth", "value": 250}]}
            )
            assert pushed.status_code == 201, pushed.text
            return await listener

        event = asyncio.run(scenario())
        assert event["data"]["alert"]["title"] == "Queue backing up"
        assert event["data"]["alert"]["threshold"]["current"] == 250

        alerts = wait_for(
            lambda: api.get("/alerts", params={"status": "active"}).json()["data"]["alerts"], "alert"
        )
        assert alerts[0]["severity"] == "critical"
        hooks = wait_for(lambda: [r for r in receiver.requests if r.path == "/hook"], "the webhook")
        body = hooks[0].body
        assert (
            hooks[0].headers["x-signature"]
            == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        )
        assert json.loads(body)["alert"]["id"] == alerts[0]["id"]
        wait_for(lambda: [r for r in receiver.requests if r.path == "/ops"], "the channel notification")

        acked = api.post(f"/alerts/{alerts[0]['id']}/acknowledge", json={"notes": "on it"}).json()["data"][
            "alert"
        ]
        assert acked["status"] == "acknowledged" and acked["acknowledged_by"] == "admin"
