"""Badges: SVG and Shields JSON for a monitor (status and uptime), a heartbeat and a tag; unknown keys are
404 and a key reveals nothing else; the API hands out badge_url."""

from django.test import Client

from monitors.models import Heartbeat, Monitor
from tests.conftest import data_of


def test_monitor_heartbeat_and_tag_badges(acme, umbrella, member_client):
    shop = Monitor.objects.create(
        organization=acme,
        name="shop",
        type="website",
        target="https://s",
        status="up",
        uptime_30d=99.95,
        tags=["team:web"],
    )
    api = Monitor.objects.create(
        organization=acme,
        name="api",
        type="website",
        target="https://a",
        status="down",
        uptime_30d=93.5,
        tags=["team:web"],
    )
    Monitor.objects.create(
        organization=umbrella, name="x", type="port", target="x", status="down", tags=["team:web"]
    )
    beat = Heartbeat.objects.create(
        organization=acme, name="backup", token="t" * 22, run_interval=60, status="late"
    )
    web = Client()

    svg = web.get(f"/badge/{shop.badge_key}.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert "<title>shop: up</title>" in svg.content.decode() and svg["Cache-Control"] == "public, max-age=60"
    assert web.get(f"/badge/{shop.badge_key}.json").json() == {
        "schemaVersion": 1,
        "label": "shop",
        "message": "up",
        "color": "#4c1",
    }
    uptime = web.get(f"/badge/{api.badge_key}.json", {"type": "uptime", "period": "30d"}).json()
    assert (uptime["label"], uptime["message"], uptime["color"]) == ("api 30d", "93.50%", "#e05d44")
    assert web.get(f"/badge/{beat.badge_key}.json").json()["message"] == "late"
    tag = web.get(f"/badge/{acme.badge_key}.team:web.json").json()
    assert (tag["label"], tag["message"]) == ("team:web", "down")  # the worst of acme's, not umbrella's
    tag_uptime = web.get(f"/badge/{acme.badge_key}.team:web.json", {"type": "uptime"}).json()
    assert tag_uptime["message"] == "96.72%"  # the mean of 99.95 and 93.5

    assert web.get("/badge/nothing-here.svg").status_code == 404
    assert web.get(f"/badge/{acme.badge_key}.svg").status_code == 404  # an organization key alone is no badge
    assert web.get(f"/badge/{shop.badge_key}.svg", {"type": "colour"}).status_code == 400
    assert web.get(f"/badge/{shop.badge_key}.svg", {"period": "1y"}).status_code == 400

    listed = data_of(member_client.get(f"/api/v1/monitors/{shop.pk}"))["monitor"]
    assert listed["badge_url"] == f"http://testserver/badge/{shop.badge_key}.svg"
    assert data_of(member_client.get(f"/api/v1/heartbeats/{beat.pk}"))["heartbeat"]["badge_url"].endswith(
        f"/badge/{beat.badge_key}.svg"
    )
    assert len({shop.badge_key, api.badge_key, beat.badge_key, acme.badge_key, umbrella.badge_key}) == 5
