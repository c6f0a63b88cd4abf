"""The heartbeat form in the Healthchecks manner: a period and a grace typed as "1 day" and "15 minutes",
or a cron expression in a time zone with its next runs previewed in that zone; the kind not chosen is
cleared; the detail page reads in human durations and has copy buttons."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from monitors.inputs import NewHeartbeat
from monitors.models import Heartbeat
from monitors.selectors import cron_next_runs
from monitors.services.heartbeats import heartbeat_create


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def test_period_and_grace_in_human_units(browser, acme):
    response = browser.post(
        "/monitors/heartbeats/new",
        {
            "name": "nightly",
            "schedule": "period",
            "run_interval_0": "1",
            "run_interval_1": "86400",
            "cron": "30 2 * * *",  # typed, then the period chosen: not kept
            "timezone": "UTC",
            "grace_period_0": "15",
            "grace_period_1": "60",
        },
    )
    assert response.status_code == 302
    beat = Heartbeat.objects.get()
    assert (beat.run_interval, beat.cron, beat.grace_period) == (86400, "", 900)
    detail = browser.get(f"/monitors/heartbeats/{beat.pk}").content.decode()
    assert "every 1 day · grace 15 min" in detail
    assert 'data-copy="#ping-url"' in detail and 'data-copy="#ping-snippets"' in detail
    page = browser.post(
        "/monitors/heartbeats/new",
        {
            "name": "x",
            "schedule": "period",
            "run_interval_0": "5",
            "run_interval_1": "1",
            "timezone": "UTC",
            "grace_period_0": "1",
            "grace_period_1": "60",
        },
    ).content.decode()
    assert "At least 10 seconds." in page and Heartbeat.objects.count() == 1


def test_cron_in_its_zone_with_the_next_runs(browser, acme):
    beat = heartbeat_create(organization=acme, new=NewHeartbeat(name="b", run_interval=600))
    form = browser.get(f"/monitors/heartbeats/{beat.pk}/edit").content.decode()
    assert 'value="period" data-schedule-kind="" id="id_schedule_0" checked' in form.replace("\n", "")
    assert '<option value="600" selected>' not in form and 'name="run_interval_0" value="10"' in form
    browser.post(
        f"/monitors/heartbeats/{beat.pk}/edit",
        {
            "name": "b",
            "schedule": "cron",
            "run_interval_0": "10",
            "run_interval_1": "60",
            "cron": "30 2 * * *",
            "timezone": "Europe/Paris",
            "grace_period_0": "1",
            "grace_period_1": "3600",
        },
    )
    beat.refresh_from_db()
    assert (beat.run_interval, beat.cron, beat.timezone, beat.grace_period) == (
        None,
        "30 2 * * *",
        "Europe/Paris",
        3600,
    )
    detail = browser.get(f"/monitors/heartbeats/{beat.pk}").content.decode()
    assert "Next runs (Europe/Paris):" in detail and "02:30 CET" in detail
    edit = browser.get(f"/monitors/heartbeats/{beat.pk}/edit").content.decode()
    assert 'id="id_schedule_1" checked' in edit.replace("\n", "") and "02:30 CET" in edit


def test_the_preview_answers_in_the_schedules_zone(browser, acme):
    answer = browser.get(
        "/monitors/heartbeats/cron-preview", {"cron": "0 9 * * 1", "timezone": "America/New_York"}
    ).json()
    assert len(answer["runs"]) == 5 and all(
        r["local"].startswith("Mon ") and " 09:00 " in r["local"] for r in answer["runs"]
    )
    assert answer["runs"][0]["utc"] in ("14:00 UTC", "13:00 UTC")
    assert (
        "Not a valid cron"
        in browser.get("/monitors/heartbeats/cron-preview", {"cron": "nope"}).json()["error"]
    )
    assert (
        "Unknown time zone"
        in browser.get(
            "/monitors/heartbeats/cron-preview", {"cron": "* * * * *", "timezone": "Mars/Base"}
        ).json()["error"]
    )
    assert Client().get("/monitors/heartbeats/cron-preview").status_code == 302  # log in first


def test_next_runs_cross_a_daylight_saving_change_in_local_time():
    runs = cron_next_runs("30 2 * * *", "Europe/Paris", datetime(2026, 3, 27, 12, tzinfo=UTC), count=3)
    assert runs[0].strftime("%m-%d %H:%M %Z") == "03-28 02:30 CET"
    assert all(r.hour in (2, 3) for r in runs)
