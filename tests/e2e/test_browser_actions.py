"""An operator's actions in a real Chromium, with no API and no Django admin: the monitor list fills its
strips live and bulk-pauses, a monitor is checked now, paused, resumed and deleted from its page, a
heartbeat's schedule is edited, and a maintenance window made in the UI covers only the monitor picked."""

import json

import httpx
import pytest

from tests.e2e.platform import wait_for
from tests.e2e.test_browser import log_in, page, platform, shot  # noqa: F401 (fixtures)
from tests.monitors.targets import HttpTarget

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CREATE = """
import json

import httpx
from monitoring_site.accounts.models import Organization
from monitors.models import Heartbeat, Monitor
org = Organization.objects.get()
made = {{}}
for name, fields in {monitors}.items():
    made[name] = Monitor.objects.create(organization=org, name=name, type="website", **fields).pk
for name, fields in {heartbeats}.items():
    made[name] = Heartbeat.objects.create(organization=org, name=name, **fields).pk
print(json.dumps(made))
"""
READ = """
import json

import httpx
from monitors.models import Heartbeat, Monitor
monitors = {{m.name: [m.is_paused, m.status] for m in Monitor.objects.filter(name__in={names})}}
heartbeats = {{h.name: [h.run_interval, h.grace_period, h.cron, h.timezone]
              for h in Heartbeat.objects.filter(name__in={names})}}
print(json.dumps({{"monitors": monitors, "heartbeats": heartbeats}}))
"""


def _shell(running, code: str):
    return json.loads(running.manage("shell", "-c", code).stdout.strip().splitlines()[-1])


def make(running, monitors=None, heartbeats=None) -> dict[str, int]:
    return _shell(running, CREATE.format(monitors=repr(monitors or {}), heartbeats=repr(heartbeats or {})))


def read(running, *names: str) -> dict:
    return _shell(running, READ.format(names=list(names)))


def test_the_list_fills_its_strips_live_and_pauses_in_bulk(platform, page):  # noqa: F811
    platform.wait_healthy()
    with HttpTarget() as target:
        url = f"http://127.0.0.1:{target.server.server_address[1]}/ok"
        made = make(platform, {f"Strip {i}": {"target": url, "check_interval": 10} for i in range(2)})
        log_in(page, platform)
        page.goto(f"{platform.url}/monitors/?search=Strip")
        page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
        page.evaluate("window.__marker = 'same page'")
        row = f"tr[data-monitor-id='{made['Strip 0']}']"
        before = page.locator(f"{row} .beat.ok").count()
        wait_for(lambda: page.locator(f"{row} .beat.ok").count() > before, "a new beat in the strip", 30)
        assert page.evaluate("window.__marker") == "same page"
        assert "ms" in page.inner_text(f"{row} .monitor-response")
        shot(page, "monitor-list")
        page.check("input[data-check-all]")
        page.click("#bulk-form button[value=pause]")
        page.wait_for_selector("text=2 of 2 monitors paused")
    assert read(platform, "Strip 0", "Strip 1")["monitors"] == {
        "Strip 0": [True, "paused"],
        "Strip 1": [True, "paused"],
    }


def test_a_monitor_is_checked_now_paused_resumed_and_deleted_from_its_page(platform, page):  # noqa: F811
    platform.wait_healthy()
    with HttpTarget() as target:
        url = f"http://127.0.0.1:{target.server.server_address[1]}/ok"
        made = make(platform, {"Acted on": {"target": url, "check_interval": 3600}})
        log_in(page, platform)
        page.goto(f"{platform.url}/monitors/{made['Acted on']}")
        page.click("#monitor-actions button:has-text('Check now')")
        page.wait_for_selector("text=Checked Acted on now: passed")
        # the first check is on the chart at once, in every range; hovering shows its values
        page.click(".ranges a:has-text('1h')")
        page.wait_for_selector("#response-chart[data-ready] canvas")
        assert "avg" in page.inner_text("#response-chart .u-legend")
        box = page.locator("#response-chart .u-over").bounding_box()
        page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        assert " ms" in page.inner_text("#response-chart .u-legend")
        shot(page, "monitor-detail")
        page.click("#monitor-actions button:has-text('Pause')")
        page.wait_for_selector("text=Acted on is paused")
        assert read(platform, "Acted on")["monitors"]["Acted on"] == [True, "paused"]
        page.click("#monitor-actions button:has-text('Resume')")
        page.wait_for_selector("text=Acted on is resumed")
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.click("#monitor-actions button:has-text('Delete')")
        assert asked and "cannot be undone" in asked[0]
        assert "Acted on" in read(platform, "Acted on")["monitors"]  # dismissed: still there
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#monitor-actions button:has-text('Delete')")
        page.wait_for_selector("text=Monitor Acted on deleted")
    assert read(platform, "Acted on")["monitors"] == {}


def test_a_heartbeats_schedule_is_edited(platform, page):  # noqa: F811
    platform.wait_healthy()
    made = make(platform, heartbeats={"Nightly": {"run_interval": 3600, "grace_period": 300}})
    log_in(page, platform)
    page.goto(f"{platform.url}/monitors/heartbeats/{made['Nightly']}/edit")
    assert page.is_hidden("input[name=cron]") and page.is_visible("input[name=run_interval_0]")
    page.check("input[name=schedule][value=cron]")  # only the cron fields now
    assert page.is_hidden("input[name=run_interval_0]") and page.is_visible("input[name=cron]")
    page.fill("input[name=cron]", "30 2 * * *")
    page.fill("input[name=timezone]", "Europe/Paris")
    page.wait_for_selector("#next-runs li:has-text('02:30 CE')")  # previewed in its zone as typed
    page.fill("input[name=grace_period_0]", "15")
    page.select_option("select[name=grace_period_1]", label="minutes")
    shot(page, "heartbeat-edit")
    page.click("#heartbeat-form button[type=submit]")
    page.wait_for_selector("text=Heartbeat Nightly saved")
    assert read(platform, "Nightly")["heartbeats"]["Nightly"][1:] == [900, "30 2 * * *", "Europe/Paris"]


def test_a_window_covering_one_monitor_puts_only_that_one_in_maintenance(platform, page):  # noqa: F811
    platform.wait_healthy()
    made = make(
        platform,
        {
            "Covered": {"target": "https://covered.example", "status": "up", "is_enabled": False},
            "Uncovered": {"target": "https://uncovered.example", "status": "up", "is_enabled": False},
        },
    )  # disabled: the checker leaves them alone, so the page shows what the window does and nothing else
    log_in(page, platform)
    page.goto(f"{platform.url}/alerts/maintenance/new")
    page.fill("input[name=name]", "Covered upgrade")
    page.fill("input[name=starts_at]", "2020-01-01 00:00")
    page.fill("input[name=ends_at]", "2099-01-01 00:00")
    page.get_by_label("Covered", exact=True).check()
    page.click("main form.stacked button[type=submit]")
    page.wait_for_selector("text=Covered upgrade")
    page.goto(f"{platform.url}/monitors/?sort=name")
    covered = page.inner_text(f"tr[data-monitor-id='{made['Covered']}'] .monitor-status")
    uncovered = page.inner_text(f"tr[data-monitor-id='{made['Uncovered']}'] .monitor-status")
    assert (covered, uncovered) == ("maintenance", "up")


def test_the_chosen_time_zone_is_used_for_every_time(platform, page):  # noqa: F811
    platform.wait_healthy()
    log_in(page, platform)
    page.goto(f"{platform.url}/settings/display")
    page.select_option("#display-zone", "Asia/Tokyo")
    page.wait_for_selector("#display-saved:has-text('Asia/Tokyo')")
    page.reload()
    assert page.input_value("#display-zone") == "Asia/Tokyo"
    title = page.get_attribute("#display-sample time[data-when]", "title")
    assert title and "GMT+9" in title and "UTC)" in title  # the chosen zone, with the UTC text kept
    page.select_option("#display-zone", "")  # back to the browser's own
    assert page.evaluate("localStorage.getItem('timezone')") is None


def test_heartbeat_pages_and_the_status_page_editor_follow_the_feed(platform, page):  # noqa: F811
    """Server-rendered regions fetch themselves again when their events arrive: a first ping turns the
    heartbeat list's row down and up (a first success ping is no event, as in Healthchecks: the list's
    30 s refresh shows it), and the status-page editor's component state with it, without a reload."""
    platform.wait_healthy()
    token = "live" + "x" * 18
    made = make(
        platform, heartbeats={"Live beat": {"run_interval": 3600, "grace_period": 300, "token": token}}
    )
    log_in(page, platform)
    page.goto(f"{platform.url}/monitors/heartbeats/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    page.evaluate("window.__marker = 'same page'")
    cell = f"tr[data-heartbeat-id='{made['Live beat']}'] .heartbeat-status"
    assert page.inner_text(cell) == "new"
    assert httpx.get(f"{platform.url}/ping/{token}/fail").text == "OK"
    page.wait_for_selector(f"{cell}:has-text('down')", timeout=20_000)
    assert httpx.get(f"{platform.url}/ping/{token}").text == "OK"
    page.wait_for_selector(f"{cell}:has-text('up')", timeout=20_000)
    assert page.evaluate("window.__marker") == "same page"

    page.goto(f"{platform.url}/monitors/status-pages/")
    page.fill("#status-page-form input[name=name]", "Live page")
    page.fill("#status-page-form input[name=slug]", "live-page")
    page.check(f"#status-page-form input[name=heartbeats][value='{made['Live beat']}']")
    page.click("#status-page-form button[type=submit]")
    page.wait_for_selector("#page-state:has-text('Live beat')")
    page.fill(f"input[name=group_h{made['Live beat']}]", "Jobs")
    page.click("#page-settings button[type=submit]")
    page.wait_for_selector("text=Status page saved.")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    page.evaluate("window.__marker = 'same page'")
    assert "Jobs" in page.inner_text("#page-state")
    httpx.get(f"{platform.url}/ping/{token}/fail")  # down: the editor's state follows
    page.wait_for_selector("#page-state .pill.status-down", timeout=20_000)
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "status-page-editor")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#page-delete button")
    page.wait_for_selector("text=Status page Live page deleted")
    assert httpx.get(f"{platform.url}/status/live-page").status_code == 404


def test_the_monitor_and_task_forms_show_only_the_chosen_kinds_fields(platform, page):  # noqa: F811
    platform.wait_healthy()
    log_in(page, platform)
    page.goto(f"{platform.url}/monitors/new")
    page.select_option("select[name=type]", "port")
    assert page.is_visible("input[name=port]") and page.is_hidden("input[name=keyword]")
    assert page.is_hidden("select[name=method]") and page.is_hidden("input[name=threshold_cpu]")
    page.select_option("select[name=type]", "keyword")
    assert page.is_visible("input[name=keyword]") and page.is_visible("select[name=method]")
    assert page.is_hidden("input[name=port]") and page.is_hidden("input[name=json_path]")
    shot(page, "monitor-form")
    page.goto(f"{platform.url}/jobs/tasks/new")
    page.select_option("select[name=kind]", "http")
    assert page.is_visible("input[name=url]") and page.is_hidden("input[name=executable]")
    page.select_option("select[name=schedule_type]", "cron")
    assert page.is_visible("input[name=cron]") and page.is_hidden("input[name=interval_seconds_0]")
    page.select_option("select[name=schedule_type]", "none")
    assert page.is_hidden("input[name=cron]") and page.is_hidden("input[name=max_runs]")
