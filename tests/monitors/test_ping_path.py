"""Every ping form through the real ASGI application (the ping path in front of Django): methods, signals,
exit codes, log, rid pairing, body limit, unknown and malformed tokens, the Uptime Kuma push URL and the
API form; a database failure answers 503 and stores nothing."""

import asyncio
import contextlib
import uuid

import httpx
import pytest
from django.db import OperationalError

from monitoring_site.asgi import application
from monitors.inputs import NewHeartbeat
from monitors.models import Heartbeat, HeartbeatPing
from monitors.ping.app import PingApp
from monitors.ping.writer import GroupCommit
from monitors.services.heartbeats import heartbeat_create

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def beat(acme):
    return heartbeat_create(organization=acme, new=NewHeartbeat(name="nightly", run_interval=86400))


class Client:
    """Requests through the ASGI app, each on its own event loop, from a synchronous test (the ORM checks
    in between run outside any loop)."""

    def __init__(self, app=application):
        self.app = app

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        async def send():
            transport = httpx.ASGITransport(app=self.app, client=("203.0.113.9", 41000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                return await http.request(method, path, **kwargs)

        return asyncio.run(send())

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def head(self, path, **kwargs):
        return self.request("HEAD", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)


def client(app=application):
    return contextlib.nullcontext(Client(app))


def test_success_start_fail_exit_codes_and_log(beat):
    with client() as http:
        answer = http.get(f"/ping/{beat.token}", headers={"User-Agent": "curl/8.5"})
        assert (answer.status_code, answer.text) == (200, "OK")
        assert answer.headers["ping-body-limit"] == "10000"
        head = http.head(f"/ping/{beat.token}/start")
        assert head.status_code == 200 and head.content == b""
        assert (http.post(f"/ping/{beat.token}", content=b"backup done: 3 GB")).text == "OK"
        assert (http.get(f"/ping/{beat.token}/log")).status_code == 200
        assert (http.get(f"/ping/{beat.token}/0")).status_code == 200
        assert (http.post(f"/ping/{beat.token}/2", content=b"disk full")).status_code == 200
        assert (http.get(f"/ping/{beat.token}/fail")).status_code == 200
    pings = list(HeartbeatPing.objects.order_by("received_at", "id"))
    assert [(p.method, p.kind, p.exit_status) for p in pings] == [
        ("GET", "success", None),
        ("HEAD", "start", None),
        ("POST", "success", None),
        ("GET", "log", None),
        ("GET", "success", 0),
        ("POST", "fail", 2),
        ("GET", "fail", None),
    ]
    assert pings[0].user_agent == "curl/8.5" and pings[0].remote_addr == "203.0.113.9"
    assert pings[2].body == "backup done: 3 GB" and pings[2].duration is not None  # paired with the start
    beat.refresh_from_db()
    assert beat.status == "down" and beat.incidents.get().error_message == "The job reported exit status 2."


def test_rid_pairs_runs_and_the_body_is_capped(beat, settings):
    settings.PING_BODY_LIMIT = 8
    rid = uuid.uuid4()
    with client() as http:
        http.get(f"/ping/{beat.token}/start", params={"rid": str(rid)})
        answer = http.post(f"/ping/{beat.token}", params={"rid": str(rid)}, content=b"0123456789abcdef")
    assert answer.headers["ping-body-limit"] == "8"
    end = HeartbeatPing.objects.get(kind="success")
    assert end.rid == rid and end.body == "01234567" and end.duration >= 0


def test_unknown_malformed_and_wrong_method(beat):
    with client() as http:
        assert (http.get("/ping/" + "A" * 22)).status_code == 404
        for path in ["/ping/short", f"/ping/{beat.token}/256", f"/ping/{beat.token}/restart", "/ping/a/b/c"]:
            answer = http.get(path)
            assert answer.status_code == 400, path
        assert (http.get(f"/ping/{beat.token}", params={"rid": "not-a-uuid"})).status_code == 400
        assert (http.put(f"/ping/{beat.token}")).status_code == 405
    assert not HeartbeatPing.objects.exists()


def test_uptime_kuma_push_and_the_api_form(beat):
    with client() as http:
        up = http.get(f"/api/push/{beat.token}", params={"status": "up", "msg": "OK", "ping": "12"})
        assert up.status_code == 200 and up.json() == {"ok": True}
        down = http.get(f"/api/push/{beat.token}", params={"status": "down", "msg": "queue stuck"})
        assert down.json() == {"ok": True}
        unknown = http.get("/api/push/" + "B" * 22)
        assert unknown.status_code == 404 and unknown.json()["ok"] is False
        api = http.post(f"/api/v1/heartbeats/{beat.token}/ping")
        assert api.status_code == 200 and api.json() == {"status": "success", "data": {"ok": True}}
        missing = http.get("/api/v1/heartbeats/" + "C" * 22 + "/ping")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    kinds = list(HeartbeatPing.objects.order_by("id").values_list("kind", "body"))
    assert kinds == [("success", "OK"), ("fail", "queue stuck"), ("success", "")]
    beat.refresh_from_db()
    assert beat.status == "up"


def test_other_paths_still_reach_django():
    with client() as http:
        answer = http.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json()["data"]["status"] in ("ok", "degraded", "down")


def test_a_database_failure_answers_503_and_never_a_false_ok(beat):
    def database_down(pings):
        raise OperationalError("could not connect to server")

    app = PingApp(application)
    app.writer = GroupCommit(write=database_down)
    with client(app) as http:
        answer = http.get(f"/ping/{beat.token}")
    assert answer.status_code == 503 and not HeartbeatPing.objects.exists()
    assert Heartbeat.objects.get().last_ping_at is None
