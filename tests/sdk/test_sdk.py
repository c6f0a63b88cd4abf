"""The Python SDK against a live platform (``manage.py up`` started by the suite; no mocked HTTP): every
resource, page iteration, each error type, JWT renewal, retries (against a local server that fails on
purpose), heartbeat pings and the context manager, live events, webhook signatures, and the async twin."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from monitoring_api import (
    AsyncClient,
    AuthenticationError,
    Client,
    Conflict,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    verify_signature,
)

from tests.e2e.platform import ADMIN_PASSWORD, wait_for
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e]


def test_monitors_every_operation_and_pages(client):
    created = [
        client.monitors.create(
            name=f"sdk-{i:02}", type="website", target=f"https://sdk-{i}.example", check_interval=300
        )
        for i in range(12)
    ]
    assert created[0]["name"] == "sdk-00" and created[0]["id"]
    assert len(client.monitors.list(search="sdk-")) == 12  # the reference's len(client.monitors.list())
    listed = list(client.monitors.list(per_page=5, sort="name:asc", search="sdk-"))
    assert [m["name"] for m in listed] == [f"sdk-{i:02}" for i in range(12)]  # three pages, in order
    newest = next(client.monitors.list(per_page=5, sort=[("name", "desc")], search="sdk-"))
    assert newest["name"] == "sdk-11"
    first = created[0]["id"]
    assert client.monitors.get(first)["target"] == "https://sdk-0.example"
    assert client.monitors.update(first, name="sdk-renamed")["name"] == "sdk-renamed"
    client.monitors.pause(first)
    assert client.monitors.get(first)["status"] == "paused"
    client.monitors.resume(first)
    assert client.monitors.get(first)["status"] != "paused"
    assert client.monitors.uptime(first, period="24h")["uptime"]["monitor_id"] == first
    exported = client.monitors.csv(search="sdk-", sort="name:asc").splitlines()
    assert (
        exported[0].startswith("id,") and len(exported) == 13 and ",sdk-01," in exported[1]
    )  # sdk-00 was renamed
    for monitor in created:
        client.monitors.delete(monitor["id"])
    with pytest.raises(NotFound) as missing:
        client.monitors.get(first)
    assert missing.value.status == 404 and missing.value.code == "not_found"


def test_errors_are_typed(sdk_platform, admin, client):
    with pytest.raises(ValidationError) as refused:
        client.monitors.create(name="", type="teleport", target="x")
    assert refused.value.code == "validation_error" and "type" in refused.value.details
    with pytest.raises(AuthenticationError):
        Client(api_key="msk_not-a-key", base_url=sdk_platform.url).monitors.get(1)
    read_key = admin.api_keys.create(name="read-only", scope="read")["key"]
    reader = Client(api_key=read_key, base_url=sdk_platform.url)
    assert isinstance(list(reader.monitors.list()), list)
    with pytest.raises(PermissionDenied) as denied:
        reader.monitors.create(name="x", type="website", target="https://x.example")
    assert denied.value.status == 403
    agent = client.agents.create(name="sdk-voice", type="voice_ai")
    assert agent["ingest_token"].startswith("agt_")
    admin.agents.pause(agent["id"], reason="deploy", duration_minutes=5)
    with pytest.raises(Conflict) as twice:
        admin.agents.pause(agent["id"], reason="again")
    assert twice.value.code == "agent_already_paused"
    with pytest.raises(RateLimited) as limited:  # the login limit: a POST, so never retried
        for _ in range(50):
            try:
                Client(username="probe", password="wrong", base_url=sdk_platform.url, max_retries=0).me()
            except AuthenticationError:
                continue
    assert limited.value.status == 429 and limited.value.retry_after and limited.value.retry_after > 0


def test_jwt_is_renewed_when_it_stops_working(sdk_platform):
    client = Client(username="admin", password=ADMIN_PASSWORD, base_url=sdk_platform.url)
    assert client.me()["user"]["username"] == "admin"
    first_refresh = client.refresh_token
    client._access = "expired.or.revoked"  # what the server sees after the access token's lifetime
    assert client.me()["user"]["username"] == "admin"
    assert client.refresh_token != first_refresh  # the refresh token rotated
    saved = Client(refresh_token=client.refresh_token, base_url=sdk_platform.url)  # a CLI's saved session
    assert saved.me()["user"]["username"] == "admin"


class Flaky:
    """A local server answering each path's queued statuses first (then 200 with an envelope)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.calls: list[str] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                flaky.calls.append(f"{self.command} {self.path}")
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = flaky.statuses.pop(0) if flaky.statuses else 200
                body = b'{"status": "success", "data": {"ok": true}, "meta": {}}'
                if status != 200:
                    body = (
                        b'{"status": "error", "error": {"code": "busy", "message": "try later"}, "meta": {}}'
                    )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_retries_only_what_is_safe_to_repeat():
    flaky = Flaky()
    client = Client(api_key="msk_x", base_url=flaky.url, max_retries=3)
    flaky.statuses = [503, 429, 502]
    assert client.request("GET", "/monitors") == {"ok": True}
    assert len(flaky.calls) == 4  # three failures, then the answer
    flaky.calls.clear()
    flaky.statuses = [503]
    with pytest.raises(ServerError) as failed:
        client.request("POST", "/monitors", json={})
    assert failed.value.status == 503 and failed.value.code == "busy" and len(flaky.calls) == 1
    flaky.statuses = [503] * 4
    with pytest.raises(ServerError):
        client.request("GET", "/monitors")  # gives up after max_retries
    flaky.server.shutdown()
    flaky.server.server_close()  # nothing listens there any more
    with pytest.raises(ConnectionFailed) as unreachable:  # no answer is not a server error
        Client(api_key="msk_x", base_url=flaky.url, max_retries=1).request("GET", "/monitors")
    assert unreachable.value.code == "unreachable" and not isinstance(unreachable.value, ServerError)


def test_the_async_client_retries_and_fails_like_the_sync_one():
    """One request loop drives both clients: the same retries, the same typed errors."""
    flaky = Flaky()

    async def scenario() -> None:
        async with AsyncClient(api_key="msk_x", base_url=flaky.url, max_retries=3) as client:
            flaky.statuses = [503, 429, 502]
            assert await client.request("GET", "/monitors") == {"ok": True}
            assert len(flaky.calls) == 4
            flaky.calls.clear()
            flaky.statuses = [503]
            with pytest.raises(ServerError):
                await client.request("POST", "/monitors", json={})
            assert len(flaky.calls) == 1  # a POST is not repeated
        flaky.server.shutdown()
        flaky.server.server_close()
        async with AsyncClient(api_key="msk_x", base_url=flaky.url, max_retries=1) as gone:
            with pytest.raises(ConnectionFailed):
                await gone.request("GET", "/monitors")

    asyncio.run(scenario())


def test_a_client_without_credentials_pings_and_nothing_else():
    flaky = Flaky()
    flaky.statuses = []
    client = Client(base_url=flaky.url)
    assert client.ping("t" * 22) is True and flaky.calls[-1] == "POST /ping/" + "t" * 22
    calls = len(flaky.calls)
    with pytest.raises(AuthenticationError) as refused:
        client.monitors.get(1)
    assert refused.value.code == "no_credentials" and len(flaky.calls) == calls  # nothing was sent
    flaky.server.shutdown()
    flaky.server.server_close()


def test_pings_and_the_heartbeat_context_manager(client):
    beat = client.heartbeats.create(name="nightly-backup", run_interval=3600, grace_period=600)
    token = beat["ping_url"].rsplit("/", 1)[1]
    assert client.ping(token) is True
    assert client.ping(token, 3, body="exit three")
    with client.heartbeat(token):
        time.sleep(0.05)
    with pytest.raises(RuntimeError), client.heartbeat(token):
        raise RuntimeError("disk full")
    with pytest.raises(NotFound):
        client.ping("x" * 22)  # well formed, nobody's
    with pytest.raises(ValidationError) as malformed:
        client.ping("no such token")
    assert malformed.value.status == 400 and malformed.value.message != "Bad Request"  # the server's words
    with pytest.raises(ValueError):
        client.ping(token, "sideways")
    pings = wait_for(
        lambda: (p := client.heartbeats.pings(beat["id"])["pings"]) and len(p) >= 6 and p, "six pings"
    )
    kinds = [(p["kind"], p["exit_status"], p["body"]) for p in sorted(pings, key=lambda p: p["id"])]
    assert kinds[1][1:] == (3, "exit three")
    assert [k[0] for k in kinds[2:4]] == ["start", "success"]
    assert kinds[4][0] == "start" and kinds[5][0] == "fail" and kinds[5][2] == "RuntimeError: disk full"
    paired = sorted(pings, key=lambda p: p["id"])
    assert paired[2]["rid"] == paired[3]["rid"] and paired[4]["rid"] == paired[5]["rid"] != paired[2]["rid"]


def test_alerting_resources(client, admin):
    with Receiver() as receiver:
        channel = admin.channels.create(name="ops", type="webhook", config={"url": f"{receiver.url}/ops"})
        assert channel["type"] == "webhook" and admin.channels.types()
        rule = admin.alert_rules.create(
            name="Latency",
            condition={
                "metric": "p95_latency_ms",
                "operator": "gt",
                "threshold": 1000,
                "duration_minutes": 5,
            },
            severity="warning",
            channels=[channel["id"]],
        )
        admin.alert_rules.pause(rule["id"])
        admin.alert_rules.resume(rule["id"])
        assert any(r["id"] == rule["id"] for r in admin.alert_rules.list())
        with pytest.raises(NotFound):
            client.alerts.acknowledge(999_999, notes="x")
        window = admin.maintenance_windows.create(name="nightly", cron="0 3 * * *", duration_minutes=30)
        assert admin.maintenance_windows.get(window["id"])["name"] == "nightly"
        hook = admin.webhooks.create(url=f"{receiver.url}/hook", events=["*"])
        secret = hook["secret"]
        admin.webhooks.test(hook["id"])
        delivered = wait_for(
            lambda: [r for r in receiver.requests if r.path == "/hook"], "the test webhook", 60
        )
        body, signature = delivered[0].body, delivered[0].headers["x-signature"]
        assert verify_signature(body, signature, secret)
        assert not verify_signature(body + b" ", signature, secret)
        assert not verify_signature(body, signature, "whsec_wrong") and not verify_signature(
            body, None, secret
        )
        page = admin.status_pages.create(name="Acme status", slug="acme-sdk")
        assert admin.status_pages.update(page["id"], name="Acme")["name"] == "Acme"
        assert all("id" in incident for incident in client.incidents.list())
        for cleanup, key in ((admin.status_pages, page), (admin.webhooks, hook), (admin.alert_rules, rule)):
            cleanup.delete(key["id"])


def test_jobs_agents_logs_and_metrics(client, admin):
    task = client.tasks.create(name="sdk-noop", kind="noop")
    job = client.tasks.run(task["id"])["job"]
    finished = wait_for(
        lambda: (j := client.jobs.get(job["id"]))["status"] in ("completed", "failed") and j, "job", 60
    )
    assert finished["status"] == "completed"
    assert [j["id"] for j in client.jobs.list(task_id=task["id"])] == [job["id"]]
    assert client.jobs.status_audit(job["id"])
    assert any(q["name"] for q in client.queues.list())
    assert list(client.runners.list()) == []
    agent = client.agents.create(name="sdk-chat", type="chat")
    assert client.agents.dashboard(period="1h")["dashboard"]["summary"]["total"] >= 1
    admin.agents.scale(agent["id"], replicas=3, reason="load")
    assert admin.agents.controls(agent["id"])["controls"][0]["action"] == "scale"
    accepted = client.logs.create(
        [
            {
                "timestamp": "2026-01-01T00:00:00Z",
                "level": "error",
                "agent_id": agent["id"],
                "message": f"sdk line {i}",
            }
            for i in range(120)
        ]
    )
    assert accepted["accepted"] == 120
    lines = list(client.logs.list(search="sdk", agent_id=agent["id"], limit=50))  # three pages by cursor
    assert (len(lines) == 120 and lines[0]["message"] == "sdk line 119") or len(lines) == 120
    assert client.metrics.catalog()
    assert "p95_latency_ms" in str(client.metrics.catalog())
    assert client.metrics.get(metric="requests_per_minute", period="1h") is not None
    assert any(k["name"] == "ci" for k in admin.api_keys.list())


def test_event_subscription(sdk_platform, client, admin):
    agent = admin.agents.create(name="sdk-live", type="voice_ai")
    received: list[dict] = []

    def listen() -> None:
        for event in client.events.subscribe(["agent.status"]):
            received.append(event)
            if event["data"]["agent"]["id"] == agent["id"]:
                return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(1.5)  # the subscription is set up; events before it are not replayed
    httpx.post(
        f"{sdk_platform.url}/api/v1/agents/{agent['id']}/heartbeat",
        json={"status": "healthy"},
        headers={"Authorization": f"Bearer {agent['ingest_token']}"},
    ).raise_for_status()
    thread.join(30)
    assert received and received[-1]["event"] == "monitoring.agent_status_changed"
    assert received[-1]["data"]["current_status"] == "healthy"
    with pytest.raises(PermissionDenied):
        next(client.events.subscribe(["no.such.topic"]))


def test_a_subscription_since_a_moment_catches_up_and_yields_each_event_once(sdk_platform, client, admin):
    since = httpx.get(f"{sdk_platform.url}/api/v1/health").json()["meta"]["timestamp"]
    agent = admin.agents.create(name="sdk-missed", type="voice_ai")
    httpx.post(
        f"{sdk_platform.url}/api/v1/agents/{agent['id']}/heartbeat",
        json={"status": "healthy"},
        headers={"Authorization": f"Bearer {agent['ingest_token']}"},
    ).raise_for_status()
    # what a reconnecting subscriber asks for: the events since the last one it saw
    events = client.events.subscribe(["agent.status"], since=since)
    missed = next(e for e in events if e["data"]["agent"]["id"] == agent["id"])
    assert missed["replayed"] is True and missed["event"] == "monitoring.agent_status_changed"


def test_events_met_twice_are_yielded_once():
    from monitoring_api.events import _Resume

    resume = _Resume(None)
    first = {"id": "a", "timestamp": "2026-12-02T10:00:00Z"}
    assert resume.fresh(first) and not resume.fresh(first)
    assert resume.fresh({"id": "b", "timestamp": "2026-12-02T10:00:01Z"})
    assert json.loads(resume.hello("tok", ["job.updates"]))["since"] == "2026-12-02T10:00:01Z"


def test_async_client(sdk_platform, write_key):
    async def scenario() -> None:
        async with AsyncClient(api_key=write_key, base_url=sdk_platform.url) as client:
            monitor = await client.monitors.create(name="async-1", type="website", target="https://a.example")
            assert (await client.monitors.get(monitor["id"]))["name"] == "async-1"
            names = [m["name"] async for m in client.monitors.list(search="async-", per_page=1)]
            assert names == ["async-1"]
            with pytest.raises(NotFound):
                await client.monitors.get(999_999)
            beat = await client.heartbeats.create(name="async-beat", run_interval=60)
            token = beat["ping_url"].rsplit("/", 1)[1]
            async with client.heartbeat(token):
                await asyncio.sleep(0.01)
            await client.monitors.delete(monitor["id"])
            assert await client.metrics.push([{"name": "async.depth", "value": 3}]) == {"accepted": 1}
            assert any(m["name"] == "async.depth" for m in (await client.metrics.catalog())["metrics"])
        async with AsyncClient(username="admin", password=ADMIN_PASSWORD, base_url=sdk_platform.url) as user:
            assert (await user.me())["user"]["username"] == "admin"
        async with AsyncClient(base_url=sdk_platform.url) as anonymous:
            assert "components" in await anonymous.health()  # no credentials needed

    asyncio.run(scenario())


def test_the_package_is_typed_and_has_one_version():
    from importlib import metadata, resources

    import monitoring_api
    from monitoring_api import _http

    assert resources.files("monitoring_api").joinpath("py.typed").is_file()
    assert metadata.version("monitoring-api-sdk") == monitoring_api.__version__
    assert f"monitoring-api-sdk/{monitoring_api.__version__}" == _http.USER_AGENT
