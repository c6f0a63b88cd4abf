import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from monitors.inputs import NewHeartbeat
from monitors.models import CheckResult, CheckRollup, Incident, Monitor
from monitors.services.rollups import rollups_advance


@pytest.fixture
def owner_browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def test_list_detail_incidents_and_create(owner_browser, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://shop.example", status="down"
    )
    Incident.objects.create(organization=acme, monitor=monitor, error_message="HTTP 502")
    page = owner_browser.get("/monitors/").content.decode()
    assert "Shop" in page and "monitor-status pill status-down" in page and "monitors_live.js" in page
    assert (
        "Shop" not in owner_browser.get("/monitors/", {"status": "up"}).content.decode().split("<tbody>")[1]
    )
    detail = owner_browser.get(f"/monitors/{monitor.pk}").content.decode()
    assert "HTTP 502" in detail
    assert "HTTP 502" in owner_browser.get("/monitors/incidents").content.decode()
    response = owner_browser.post(
        "/monitors/new",
        {
            "name": "API",
            "type": "port",
            "target": "db.internal",
            "port": "5432",
            "check_interval": "30",
            "timeout": "5",
            "retries": "1",
        },
    )
    assert response.status_code == 302
    assert Monitor.objects.get(name="API").port == 5432
    page = owner_browser.post(
        "/monitors/new",
        {
            "name": "bad",
            "type": "website",
            "target": "not-a-url",
            "check_interval": "30",
            "timeout": "5",
            "retries": "0",
        },
    )
    assert "http:// or https://" in page.content.decode()


def test_other_organizations_monitor_is_404(outsider, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://shop.example"
    )
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/monitors/{monitor.pk}").status_code == 404


def test_charts_read_rollups_and_the_edit_form_saves_or_refuses(owner_browser, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://shop.example", status="up"
    )
    now = timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    CheckResult.objects.bulk_create(
        CheckResult(
            monitor=monitor,
            ok=i % 10 != 0,
            response_time_ms=50 + i,
            checked_at=day_start + timedelta(hours=1, minutes=i),
        )
        for i in range(120)
    )
    for _ in range(20):  # the minute task catches up 4 hours per run
        rollups_advance(now=now)
    assert CheckRollup.objects.filter(monitor=monitor, resolution="day").exists()

    row = owner_browser.get("/monitors/").content.decode().split(f'data-monitor-id="{monitor.pk}"')[1]
    strip = row.split("</tr>")[0]
    assert strip.count("beat ok") + strip.count("beat fail") == 50  # the last 50 of its 120 results
    detail = owner_browser.get(f"/monitors/{monitor.pk}", {"period": "7d"}).content.decode()
    assert 'id="response-chart"' in detail and "vendor/uplot/uPlot.iife.min.js" in detail
    data = json.loads(detail.split('id="response-data" type="application/json">')[1].split("</script>")[0])
    assert data["period"] == "7d" and data["bucket_seconds"] == 3600 and len(data["t"]) == len(data["p95"])
    assert data["summary"]["checks"] == 120 and data["summary"]["uptime"] == 90.0
    bars = detail.split('id="uptime-bars"')[1].split("</svg>")[0]
    assert bars.count("<rect") == 91 and bars.count('class="bad"') == 1 and "90.000% of 120 checks" in bars

    form = owner_browser.get(f"/monitors/{monitor.pk}/edit").content.decode()
    assert 'value="https://shop.example"' in form
    page = owner_browser.post(
        f"/monitors/{monitor.pk}/edit",
        {
            "name": "Shop",
            "target": "https://shop.example",
            "check_interval": "30",
            "timeout": "5",
            "retries": "0",
            "expected_status": "200, 3xx",
        },
    )
    assert page.status_code == 200 and "Not a status code or range: 3xx." in page.content.decode()
    assert Monitor.objects.get(pk=monitor.pk).check_interval == 60
    response = owner_browser.post(
        f"/monitors/{monitor.pk}/edit",
        {
            "name": "Shop v2",
            "target": "https://shop.example",
            "check_interval": "30",
            "timeout": "5",
            "retries": "2",
            "expected_status": "200, 300-399",
            "tags": "prod, eu",
            "headers": '{"X-A": "1"}',
        },
    )
    assert response.status_code == 302
    monitor.refresh_from_db()
    assert (monitor.name, monitor.check_interval, monitor.retries, monitor.type) == (
        "Shop v2",
        30,
        2,
        "website",
    )
    assert monitor.expected_status == ["200", "300-399"] and monitor.tags == ["prod", "eu"]
    assert monitor.headers == {"X-A": "1"}


def test_heartbeat_pages_show_the_ping_url_examples_and_history(owner_browser, acme, outsider):
    from monitors.models import Heartbeat
    from monitors.services.heartbeats import PingIn, heartbeat_pings_ingest

    page = owner_browser.post(
        "/monitors/heartbeats/new", {"name": "backup", "timezone": "UTC", "grace_period": "60"}
    )
    assert "Give run_interval (seconds) or cron, not both." in page.content.decode()
    assert not Heartbeat.objects.exists()
    response = owner_browser.post(
        "/monitors/heartbeats/new",
        {"name": "backup", "cron": "30 2 * * *", "timezone": "Europe/Paris", "grace_period": "600"},
    )
    beat = Heartbeat.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/monitors/heartbeats/{beat.pk}"
    heartbeat_pings_ingest([PingIn(beat.token, "fail", timezone.now(), exit_status=4, body="disk full")])
    listing = owner_browser.get("/monitors/heartbeats/").content.decode()
    assert (
        f"http://testserver/ping/{beat.token}" in listing
        and 'class="heartbeat-status status-down"' in listing
    )
    detail = owner_browser.get(f"/monitors/heartbeats/{beat.pk}").content.decode()
    assert f"{beat.token}/start" in detail and "disk full" in detail and "exit status 4" in detail
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(f"/monitors/heartbeats/{beat.pk}").status_code == 404


def test_pause_resume_check_now_clone_and_delete_from_the_detail_page(owner_browser, acme, viewer, outsider):
    from tests.monitors.targets import HttpTarget

    with HttpTarget() as target:
        monitor = Monitor.objects.create(
            organization=acme, name="Shop", type="website", target=target.url, check_interval=300
        )
        page = owner_browser.get(f"/monitors/{monitor.pk}").content.decode()
        for label in ("Pause", "Check now", "Clone", "Delete", "data-confirm"):
            assert label in page, label
        owner_browser.post(f"/monitors/{monitor.pk}/pause")
        monitor.refresh_from_db()
        assert monitor.is_paused and monitor.status == "paused"
        assert "Resume" in owner_browser.get(f"/monitors/{monitor.pk}").content.decode()
        owner_browser.post(f"/monitors/{monitor.pk}/resume")
        monitor.refresh_from_db()
        assert not monitor.is_paused
        answer = owner_browser.post(f"/monitors/{monitor.pk}/check", follow=True).content.decode()
        assert (
            "Checked Shop now: passed" in answer and CheckResult.objects.filter(monitor=monitor).count() == 1
        )
    clone = owner_browser.get(f"/monitors/new?clone={monitor.pk}").content.decode()
    assert 'value="Shop (copy)"' in clone and target.url in clone

    refused = Client()
    refused.force_login(viewer)
    assert refused.post(f"/monitors/{monitor.pk}/delete").status_code == 403
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(f"/monitors/{monitor.pk}/delete").status_code == 404
    assert owner_browser.post(f"/monitors/{monitor.pk}/nonsense").status_code == 404
    assert owner_browser.get(f"/monitors/{monitor.pk}/delete").status_code == 405
    gone = owner_browser.post(f"/monitors/{monitor.pk}/delete")
    assert gone.status_code == 302 and gone["Location"] == "/monitors/"
    assert not Monitor.objects.filter(pk=monitor.pk).exists()


def test_a_heartbeat_is_edited_paused_given_a_new_url_and_deleted_from_its_page(owner_browser, acme, viewer):
    from monitors.models import Heartbeat
    from monitors.services.heartbeats import heartbeat_create

    heartbeat = heartbeat_create(organization=acme, new=NewHeartbeat(name="backup", run_interval=3600))
    page = owner_browser.get(f"/monitors/heartbeats/{heartbeat.pk}").content.decode()
    for label in ("Edit", "Pause", "New ping URL", "Delete"):
        assert label in page, label
    form = owner_browser.get(f"/monitors/heartbeats/{heartbeat.pk}/edit").content.decode()
    assert 'value="backup"' in form and 'name="run_interval_0" value="1"' in form  # 1 hour
    assert '<option value="3600" selected>hours</option>' in form
    # interval to cron, in one save
    saved = owner_browser.post(
        f"/monitors/heartbeats/{heartbeat.pk}/edit",
        {"name": "nightly backup", "cron": "30 2 * * *", "timezone": "Europe/Paris", "grace_period": 600},
    )
    assert saved.status_code == 302
    heartbeat.refresh_from_db()
    assert (heartbeat.name, heartbeat.cron, heartbeat.run_interval) == ("nightly backup", "30 2 * * *", None)
    refused = owner_browser.post(
        f"/monitors/heartbeats/{heartbeat.pk}/edit",
        {"name": "x", "cron": "every day", "timezone": "Mars/Base", "grace_period": 600},
    ).content.decode()
    assert "Not a valid cron expression" in refused and "Unknown time zone" in refused  # each by its field
    owner_browser.post(f"/monitors/heartbeats/{heartbeat.pk}/pause")
    heartbeat.refresh_from_db()
    assert heartbeat.is_paused
    token = heartbeat.token
    owner_browser.post(f"/monitors/heartbeats/{heartbeat.pk}/regenerate-token")
    heartbeat.refresh_from_db()
    assert heartbeat.token != token
    viewer_browser = Client()
    viewer_browser.force_login(viewer)
    assert viewer_browser.post(f"/monitors/heartbeats/{heartbeat.pk}/delete").status_code == 403
    assert owner_browser.post(f"/monitors/heartbeats/{heartbeat.pk}/delete").status_code == 302
    assert not Heartbeat.objects.filter(pk=heartbeat.pk).exists()


def test_the_form_shows_and_keeps_only_the_chosen_types_fields(owner_browser, acme):
    form = owner_browser.get("/monitors/new").content.decode()
    assert 'name="keyword" maxlength="500" data-shown-when="type=keyword"' in form
    assert 'data-shown-when="type=website keyword json"' in form and "kind_fields.js" in form
    assert '<select name="check_interval_1"' in form  # "Check every" an amount and a unit
    assert '<fieldset class="picker" id="id_depends_on_group"><legend>Depends on</legend>' in form
    response = owner_browser.post(
        "/monitors/new",
        {
            "name": "DB port",
            "type": "port",
            "target": "db.internal",
            "port": "5432",
            "check_interval_0": "2",
            "check_interval_1": "60",
            "timeout": "5",
            "retries": "0",
            "keyword": "typed for a keyword monitor, then the type changed",
            "json_path": "data.state",
            "threshold_cpu": "90",
        },
    )
    assert response.status_code == 302
    saved = Monitor.objects.get(name="DB port")
    assert (saved.check_interval, saved.port, saved.keyword, saved.json_path, saved.thresholds) == (
        120,
        5432,
        "",
        "",
        {},
    )
    too_often = owner_browser.post(
        "/monitors/new",
        {
            "name": "x",
            "type": "port",
            "target": "h",
            "port": "1",
            "check_interval_0": "5",
            "check_interval_1": "1",
            "timeout": "5",
            "retries": "0",
        },
    )
    assert "At least 10 seconds." in too_often.content.decode()
