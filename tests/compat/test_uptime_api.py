"""The uptime API document (001) replayed literally at its own paths: ``/api/...`` answers as
``/api/v1/...``, PUT takes the document's partial bodies, the ping URL and the WebSocket work at the
document's paths, and the GitHub Actions check reads ``is_ok`` with the real ``jq``."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest
from channels.testing import WebsocketCommunicator

from alerts.services.channels import channel_create
from monitoring_site.asgi import application
from monitors.inputs import NewHeartbeat
from monitors.models import Heartbeat, Monitor, StatusPage
from tests.conftest import data_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_documents_curl_calls(write_key_client, acme):
    api = write_key_client
    channels = [
        channel_create(organization=acme, name=f"c{i}", kind="email", config={"to": "ops@example.com"}).pk
        for i in range(3)
    ]
    body = {
        "name": "Company Website",
        "type": "website",
        "target": "https://example.com",
        "check_interval": 300,
        "notifications": channels,  # the document's [1, 2, 3]
    }
    monitor = data_of(api.post("/api/monitors", body, format="json"), 201)["monitor"]
    assert data_of(api.get(f"/api/monitors/{monitor['id']}"))["monitor"]["name"] == "Company Website"
    changed = data_of(
        api.put(f"/api/monitors/{monitor['id']}", {"check_interval": 600, "is_enabled": True}, format="json")
    )
    assert changed["monitor"]["check_interval"] == 600 and changed["monitor"]["name"] == "Company Website"

    beat = data_of(
        api.post(
            "/api/heartbeats",
            {"name": "Daily Backup Job", "run_interval": 86400, "grace_period": 3600},
            format="json",
        ),
        201,
    )["heartbeat"]
    assert beat["token"] == Heartbeat.objects.get().token and beat["ping_url"].endswith(beat["token"])

    page = StatusPage.objects.create(organization=acme, name="Status", slug="status")
    incident = {
        "incident_status": "investigating",
        "incident_message": "We are investigating reports of slow response times.",
    }
    updated = data_of(api.put(f"/api/status-pages/{page.pk}", incident, format="json"))["status_page"]
    assert updated["incident_status"] == "investigating" and updated["name"] == "Status"

    logs = api.get(
        f"/api/monitors/{monitor['id']}/logs", {"start_date": "2024-01-01", "end_date": "2024-01-31"}
    )
    assert data_of(logs)["logs"] == []
    csv = api.get("/api/incidents", {"format": "csv", "start_date": "2024-01-01"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")

    other = data_of(api.post("/api/monitors", {**body, "name": "Second"}, format="json"), 201)["monitor"]
    bulk = {
        "monitor_ids": [monitor["id"], other["id"]],
        "updates": {"check_interval": 600, "is_enabled": True},
    }
    assert api.put("/api/monitors/bulk", bulk, format="json").status_code == 200
    assert set(Monitor.objects.values_list("check_interval", flat=True)) == {600}


def test_the_github_actions_check_with_jq(write_key_client, acme):
    jq = shutil.which("jq")
    assert jq, "jq is installed by make test (system-packages)"
    created = write_key_client.post(
        "/api/monitors",
        {
            "name": "Staging Environment - Build abc123",
            "type": "website",
            "target": "https://staging-abc123.example.com",
        },
        format="json",
    )
    monitor_id = data_of(created, 201)["monitor"]["id"]
    Monitor.objects.filter(pk=monitor_id).update(status="up")
    body = write_key_client.get(f"/api/monitors/{monitor_id}").content
    status = subprocess.run([jq, "-r", ".data.monitor.is_ok"], input=body, capture_output=True, check=True)
    assert status.stdout.decode().strip() == "true"


async def test_the_ping_url_and_the_websocket_at_the_documents_paths(acme, read_key):
    from channels.db import database_sync_to_async

    from monitors.services.heartbeats import heartbeat_create

    beat = await database_sync_to_async(heartbeat_create)(
        organization=acme, new=NewHeartbeat(name="b", run_interval=60)
    )
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get(
            f"/api/heartbeats/{beat.token}/ping", headers={"Authorization": f"Bearer {read_key[1]}"}
        )
    assert answer.status_code == 200, answer.text
    assert (await database_sync_to_async(Heartbeat.objects.get)(pk=beat.pk)).last_ping_at is not None

    socket = WebsocketCommunicator(application, "/api/ws")
    assert (await socket.connect())[0]
    await socket.send_to(
        text_data=json.dumps({"auth": read_key[1], "subscribe": ["monitor.status", "incident.updates"]})
    )
    assert await socket.receive_json_from(timeout=5) == {
        "type": "subscribed",
        "topics": ["incident.updates", "monitor.status"],
    }
    await socket.disconnect()
