"""The WebSocket endpoint through the real Redis channel layer (DESIGN section 6)."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from monitoring_site.asgi import application
from monitoring_site.realtime.events import publish
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]
WS = "/api/v1/ws"


async def connect(headers=None):
    communicator = WebsocketCommunicator(application, WS, headers=headers or [])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def subscribe(token, topics):
    communicator = await connect()
    await communicator.send_json_to({"auth": token, "subscribe": topics})
    reply = await communicator.receive_json_from(timeout=5)
    assert reply == {"type": "subscribed", "topics": sorted(topics)}
    return communicator


async def test_subscriber_gets_its_organizations_events_only(acme, umbrella, owner_token, outsider_token):
    alice = await subscribe(owner_token, ["monitor.status", "incident.updates"])
    mallory = await subscribe(outsider_token, ["monitor.status"])
    payload = {"monitor": {"id": 7, "name": "shop", "status": "down"}}
    event_id = await database_sync_to_async(publish)(acme, "monitor.status", "monitor.down", payload)

    message = await alice.receive_json_from(timeout=5)
    assert message["type"] == "event" and message["id"] == event_id
    assert message["topic"] == "monitor.status" and message["event"] == "monitor.down"
    assert message["data"] == payload and message["timestamp"].endswith("Z")
    assert await mallory.receive_nothing(timeout=0.5)

    await database_sync_to_async(publish)(umbrella, "monitor.status", "monitor.up", {"monitor": {"id": 9}})
    assert (await mallory.receive_json_from(timeout=5))["data"] == {"monitor": {"id": 9}}
    assert await alice.receive_nothing(timeout=0.5)
    await alice.disconnect()
    await mallory.disconnect()


async def test_events_of_unsubscribed_topics_are_not_sent(acme, owner_token):
    alice = await subscribe(owner_token, ["job.updates"])
    await database_sync_to_async(publish)(acme, "monitor.status", "monitor.down", {})
    assert await alice.receive_nothing(timeout=0.5)
    await alice.send_json_to({"subscribe": ["monitor.status"]})
    assert (await alice.receive_json_from(timeout=5))["topics"] == ["job.updates", "monitor.status"]
    await alice.send_json_to({"unsubscribe": ["job.updates"]})
    assert (await alice.receive_json_from(timeout=5))["topics"] == ["monitor.status"]
    await alice.disconnect()


async def test_api_key_can_subscribe(acme, read_key):
    communicator = await subscribe(read_key[1], ["alert.updates"])
    await database_sync_to_async(publish)(
        acme, "alert.updates", "monitoring.alert_triggered", {"alert": {"id": 1}}
    )
    assert (await communicator.receive_json_from(timeout=5))["event"] == "monitoring.alert_triggered"
    await communicator.disconnect()


@pytest.mark.parametrize("token", ["not-a-token", "msk_unknown", ""])
async def test_bad_auth_closes_4401(token, acme):
    communicator = await connect()
    await communicator.send_json_to({"auth": token, "subscribe": ["monitor.status"]})
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_subscribe_without_auth_closes_4401(acme):
    communicator = await connect()
    await communicator.send_json_to({"subscribe": ["monitor.status"]})
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_unknown_topic_closes_4403(owner_token):
    communicator = await connect()
    await communicator.send_json_to({"auth": owner_token, "subscribe": ["monitor.status", "secrets"]})
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_disabled_user_cannot_subscribe(owner, owner_token):
    owner.is_active = False
    await database_sync_to_async(owner.save)()
    communicator = await connect()
    await communicator.send_json_to({"auth": owner_token, "subscribe": ["monitor.status"]})
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


def session_headers(cookie: str, origin: bytes = b"http://testserver") -> list[tuple[bytes, bytes]]:
    """A dashboard page's WebSocket handshake: its session cookie, from ``origin``."""
    return [(b"cookie", f"sessionid={cookie}".encode()), (b"origin", origin), (b"host", b"testserver")]


def _session_cookie(owner) -> str:
    client = Client()
    assert client.login(username=owner.username, password=PASSWORD)
    return client.cookies["sessionid"].value


async def test_dashboard_session_from_same_origin(acme, owner):
    cookie = await database_sync_to_async(_session_cookie)(owner)
    communicator = await connect(session_headers(cookie))
    await communicator.send_json_to({"subscribe": ["monitor.status"]})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    await database_sync_to_async(publish)(acme, "monitor.status", "monitor.up", {"monitor": {"id": 1}})
    assert (await communicator.receive_json_from(timeout=5))["event"] == "monitor.up"
    await communicator.disconnect()


async def test_session_from_another_origin_is_ignored(acme, owner):
    cookie = await database_sync_to_async(_session_cookie)(owner)
    communicator = await connect(session_headers(cookie, origin=b"http://evil.example"))
    await communicator.send_json_to({"subscribe": ["monitor.status"]})
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_ping(owner_token):
    communicator = await subscribe(owner_token, ["monitor.status"])
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()


def test_publish_waits_for_commit_and_rejects_unknown_topics(acme):
    from django.db import transaction

    with pytest.raises(ValueError):
        publish(acme, "no.such.topic", "x", {})
    with transaction.atomic():
        publish(acme, "monitor.status", "monitor.down", {})
        assert len(transaction.get_connection().run_on_commit) == 1


@pytest.mark.parametrize("path", ["/ws", "/api/v1/ws/extra", "/api/v2/ws", "/"])
async def test_a_websocket_to_an_unrouted_path_closes_4404(path):
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}


async def test_a_reconnecting_subscriber_is_sent_what_it_missed_since_its_last_event(
    acme, umbrella, owner_token
):
    from django.utils import timezone

    from monitoring_site.events import emit

    first = await subscribe(owner_token, ["monitor.status"])
    await database_sync_to_async(emit)(acme, "monitor.down", {"monitor": {"id": 1}})
    seen = await first.receive_json_from(timeout=5)
    await first.disconnect()  # the connection drops; meanwhile:
    await asyncio.sleep(0.01)
    later = timezone.now()
    missed = [
        (await database_sync_to_async(emit)(acme, "monitor.up", {"monitor": {"id": n}})).id for n in (2, 3)
    ]
    await database_sync_to_async(emit)(acme, "job.started", {"job": {"id": 4}})  # a topic not subscribed
    await database_sync_to_async(emit)(umbrella, "monitor.up", {"monitor": {"id": 5}})  # another org's

    again = await connect()
    await again.send_json_to(
        {"auth": owner_token, "subscribe": ["monitor.status"], "since": seen["timestamp"]}
    )
    assert (await again.receive_json_from(timeout=5))["type"] == "subscribed"
    replayed = [await again.receive_json_from(timeout=5) for _ in range(3)]
    assert await again.receive_nothing(timeout=0.5)
    # the margin before "since" sends the last seen event again: the client drops it by its id
    assert [m["id"] for m in replayed] == [seen["id"], *map(str, missed)]
    assert replayed[1] == {
        "type": "event",
        "id": str(missed[0]),
        "topic": "monitor.status",
        "event": "monitor.up",
        "data": {"monitor": {"id": 2}},
        "timestamp": replayed[1]["timestamp"],
        "replayed": True,
    }
    assert replayed[1]["timestamp"] >= later.isoformat().replace("+00:00", "Z")[:19]
    await again.disconnect()


async def test_since_that_is_not_a_timestamp_is_an_error(acme, owner_token):
    communicator = await connect()
    await communicator.send_json_to(
        {"auth": owner_token, "subscribe": ["monitor.status"], "since": "yesterday"}
    )
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
