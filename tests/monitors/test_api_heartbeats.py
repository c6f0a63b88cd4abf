"""The heartbeats API: CRUD with validation, pings history (CSV too), pause, resume, regenerate-token,
filters and sort; another organization's heartbeat is 404, no token is 401, a viewer cannot write."""

from datetime import timedelta

from django.utils import timezone

from monitors.inputs import NewHeartbeat
from monitors.models import Heartbeat, Incident
from monitors.services.heartbeats import PingIn, heartbeat_create, heartbeat_pings_ingest
from tests.conftest import assert_error, data_of

URL = "/api/v1/heartbeats"


def make(org, name="job", **data):
    return heartbeat_create(
        organization=org, new=NewHeartbeat.of({"name": name, "run_interval": 300, **data})
    )


def test_create_read_update_delete(member_client, admin_client, acme):
    created = data_of(
        member_client.post(
            URL,
            {
                "name": "backup",
                "cron": "30 2 * * *",
                "timezone": "Europe/Paris",
                "grace_period": 900,
                "tags": ["db"],
            },
            format="json",
        ),
        201,
    )["heartbeat"]
    token = Heartbeat.objects.get().token
    assert created["status"] == "new" and created["ping_url"] == f"http://testserver/ping/{token}"
    assert created["token"] == token  # DESIGN: the response carries token and ping_url
    assert created["next_expected_at"] is None and created["cron"] == "30 2 * * *"
    pk = created["id"]
    changed = data_of(member_client.patch(f"{URL}/{pk}", {"grace_period": 60}, format="json"))["heartbeat"]
    assert changed["grace_period"] == 60
    error = assert_error(
        member_client.patch(f"{URL}/{pk}", {"run_interval": 60}, format="json"), 400, "validation_error"
    )
    assert "run_interval" in error["details"]
    assert Heartbeat.objects.get().run_interval is None  # nothing changed
    assert_error(member_client.delete(f"{URL}/{pk}"), 403, "insufficient_permissions")  # admins delete
    assert admin_client.delete(f"{URL}/{pk}").status_code == 204
    assert not Heartbeat.objects.exists()


def test_bad_input_is_refused(member_client):
    for body, field in [
        ({"name": "x"}, "run_interval"),
        ({"name": "x", "run_interval": 5}, "run_interval"),
        ({"name": "x", "cron": "61 * * * *"}, "cron"),
        ({"name": "x", "run_interval": 60, "timezone": "Nowhere/City"}, "timezone"),
        ({"name": "x", "run_interval": 60, "notifications": [999999]}, "notifications"),
    ]:
        error = assert_error(member_client.post(URL, body, format="json"), 400, "validation_error")
        assert field in error["details"], body
    assert not Heartbeat.objects.exists()


def test_pings_pause_resume_and_regenerate(member_client, acme):
    beat = make(acme)
    now = timezone.now()
    heartbeat_pings_ingest(
        [
            PingIn(beat.token, "start", now - timedelta(seconds=30)),
            PingIn(beat.token, "success", now, body="done", user_agent="cron"),
        ]
    )
    pings = data_of(member_client.get(f"{URL}/{beat.pk}/pings"))
    assert pings["pagination"]["total_items"] == 2
    assert [p["kind"] for p in pings["pings"]] == ["success", "start"] and pings["pings"][0]["body"] == "done"
    assert (
        data_of(member_client.get(f"{URL}/{beat.pk}/pings", {"kind": "start"}))["pagination"]["total_items"]
        == 1
    )
    csv = member_client.get(f"{URL}/{beat.pk}/pings", {"format": "csv"}).content.decode().splitlines()
    assert csv[0].startswith("id,received_at,kind") and len(csv) == 3
    detail = data_of(member_client.get(f"{URL}/{beat.pk}"))["heartbeat"]
    assert detail["status"] == "up" and detail["last_duration"] == 30

    paused = data_of(member_client.post(f"{URL}/{beat.pk}/pause"))["heartbeat"]
    assert paused["status"] == "paused" and paused["is_paused"] is True
    assert_error(member_client.post(f"{URL}/{beat.pk}/pause"), 409, "heartbeat_already_paused")
    assert data_of(member_client.post(f"{URL}/{beat.pk}/resume"))["heartbeat"]["status"] == "new"
    old = beat.token
    renewed = data_of(member_client.post(f"{URL}/{beat.pk}/regenerate-token"))["heartbeat"]
    assert old not in renewed["ping_url"] and Heartbeat.objects.get().token != old


def test_filters_sort_and_incidents_by_source(member_client, acme):
    make(acme, "alpha", tags=["prod"])
    b = make(acme, "beta")
    heartbeat_pings_ingest([PingIn(b.token, "fail", timezone.now())])
    names = [h["name"] for h in data_of(member_client.get(URL, {"sort": "name:desc"}))["heartbeats"]]
    assert names == ["beta", "alpha"]
    assert [h["name"] for h in data_of(member_client.get(URL, {"status": "down"}))["heartbeats"]] == ["beta"]
    assert [h["name"] for h in data_of(member_client.get(URL, {"tag": "prod"}))["heartbeats"]] == ["alpha"]
    incidents = data_of(member_client.get("/api/v1/incidents", {"source_type": "heartbeat"}))["incidents"]
    assert len(incidents) == 1 and incidents[0]["heartbeat"] == {"id": b.pk, "name": "beta"}
    assert incidents[0]["monitor"] is None and Incident.objects.get().source_type == "heartbeat"
    assert data_of(member_client.get("/api/v1/incidents", {"source_type": "monitor"}))["incidents"] == []


def test_isolation_and_auth(anon_client, viewer_client, outsider_client, acme):
    beat = make(acme)
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert_error(anon_client.get(f"{URL}/{beat.pk}/pings"), 401, "authentication_failed")
    assert_error(
        viewer_client.post(URL, {"name": "x", "run_interval": 60}, format="json"),
        403,
        "insufficient_permissions",
    )
    assert_error(viewer_client.post(f"{URL}/{beat.pk}/pause"), 403, "insufficient_permissions")
    assert data_of(viewer_client.get(f"{URL}/{beat.pk}"))["heartbeat"]["name"] == "job"
    for path in [f"{URL}/{beat.pk}", f"{URL}/{beat.pk}/pings"]:
        assert_error(outsider_client.get(path), 404, "not_found")
    assert_error(outsider_client.post(f"{URL}/{beat.pk}/regenerate-token"), 404, "not_found")
    assert data_of(outsider_client.get(URL))["heartbeats"] == []
