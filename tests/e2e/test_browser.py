"""A real Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the platform started by ``up``:
log in, see the overview, and watch a live event arrive without a reload."""

import contextlib
import os
import signal
from pathlib import Path

import pytest

from tests.e2e.platform import ADMIN_PASSWORD, ROOT, Platform, processes_with_env

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
pytestmark = [pytest.mark.e2e, pytest.mark.browser]
# Flags that keep Chromium from reaching for the network, which this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """One platform for the module's pages: each test makes its own objects (names are its own), and none
    depends on an empty organization, so the starts are saved."""
    running = Platform(tmp_path_factory.mktemp("browser"))
    running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):
            running.stop(timeout=30)
        running.cleanup()


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


SHOTS = ROOT / "var" / "test" / "screenshots"  # test artefacts for a reviewer (not committed)


def shot(page, name: str) -> None:
    """Keep a full-page screenshot as ``var/test/screenshots/<name>.png``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, platform) -> None:
    page.goto(f"{platform.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Overview')")


def test_login_overview_and_live_update(platform, page, tmp_path):
    platform.wait_healthy()
    page.goto(f"{platform.url}/")
    assert "/login" in page.url
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Overview')")
    assert "Default" in page.inner_text("h1")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)

    organization_id = platform.organization_id()
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads
    platform.publish(organization_id, "monitor.status", "monitor.down", {"monitor": {"name": "checkout"}})
    item = page.wait_for_selector("#live-events li[data-event='monitor.down']", timeout=20_000)
    assert "checkout" in item.inner_text()
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "overview")


TRIGGER_ALERT = """
from django.db import transaction
from alerts.models import AlertRule
from alerts.services.alerts import alert_trigger
from monitoring_site.accounts.models import Organization
from django.utils import timezone
org = Organization.objects.get()
rule = AlertRule.objects.create(organization=org, name="Checkout latency", metric="latency", operator="gt",
                                threshold=500, severity="critical")
alert_trigger(rule=rule, value=900, now=timezone.now())
"""


def test_alerts_page_updates_live_and_acknowledges(platform, page):
    platform.wait_healthy()
    log_in(page, platform)
    page.goto(f"{platform.url}/alerts/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    assert "Checkout latency" not in page.inner_text("#alert-live")
    page.evaluate("window.__marker = 'same page'")
    platform.manage("shell", "-c", TRIGGER_ALERT)
    page.wait_for_selector("#alert-live tr:has-text('Checkout latency')", timeout=20_000)
    assert page.evaluate("window.__marker") == "same page"
    assert "1" in page.inner_text("#alert-summary .status-down")
    page.fill("#alert-live input[name=notes]", "looking")
    page.click("#alert-live button:has-text('Acknowledge')")
    page.wait_for_selector("#alert-live td.alert-status:has-text('acknowledged')")
    shot(page, "alerts")


CREATE_MONITOR = """
from monitoring_site.accounts.models import Organization
from monitors.models import Monitor
m = Monitor.objects.create(organization=Organization.objects.get(), name="Checkout", type="website",
                           target="https://checkout.example", status="up", is_paused=True)
print(m.pk)
"""


def test_monitor_turns_red_without_a_reload(platform, page):
    platform.wait_healthy()
    monitor_id = int(platform.manage("shell", "-c", CREATE_MONITOR).stdout.strip().splitlines()[-1])
    log_in(page, platform)
    page.goto(f"{platform.url}/monitors/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    row = f"tr[data-monitor-id='{monitor_id}'] .monitor-status"
    assert page.inner_text(row) == "up"
    page.evaluate("window.__marker = 'same page'")
    payload = {"monitor": {"id": monitor_id, "name": "Checkout", "status": "down"}}
    platform.publish(platform.organization_id(), "monitor.status", "monitor.down", payload)
    page.wait_for_selector(f"{row}.status-down", timeout=20_000)
    assert page.inner_text(row) == "down" and page.evaluate("window.__marker") == "same page"


CREATE_REMOTE_JOB = """
from jobs.services.jobs import job_create
from jobs.inputs import NewTask
from jobs.services.tasks import task_create
from monitoring_site.accounts.models import Organization
task, _ = task_create(organization=Organization.objects.get(), new=NewTask(name="Export", target="remote"))
print(job_create(task=task).pk)
"""
FINISH_JOB = """
from monitoring_runner.execution import RunOutcome
from jobs.models import Job
from jobs.services.jobs import job_finish, job_start
job = Job.objects.select_related("task", "organization").get(pk={job_id})
job_start(job=job)
job_finish(job=job, outcome=RunOutcome(exit_code=0, lastline="exported"))
"""


def test_job_status_updates_without_a_reload(platform, page):
    platform.wait_healthy()
    job_id = int(platform.manage("shell", "-c", CREATE_REMOTE_JOB).stdout.strip().splitlines()[-1])
    log_in(page, platform)
    page.goto(f"{platform.url}/jobs/runs/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    cell = f"tr[data-job-id='{job_id}'] .job-status"
    assert page.inner_text(cell) == "queued"
    page.evaluate("window.__marker = 'same page'")
    platform.manage("shell", "-c", FINISH_JOB.replace("{job_id}", str(job_id)))
    page.wait_for_selector(f"{cell}.status-completed", timeout=20_000)
    assert page.evaluate("window.__marker") == "same page"
    page.goto(f"{platform.url}/jobs/?range=All")
    shot(page, "jobs")
    assert page.inner_text("#jobs-total") == "1"


REGISTER_AGENT = """
from agents.inputs import NewAgent
from agents.services.agents import agent_create
from monitoring_site.accounts.models import Organization
agent, _ = agent_create(organization=Organization.objects.get(), new=NewAgent(name="voice"))
print(agent.pk)
"""
AGENT_REPORTS = """
from django.utils import timezone
from agents.models import Agent
from agents.services.ingest import agent_heartbeat
from agents.services.logs import logs_ingest
agent = Agent.objects.get(pk={agent_id})
if "{what}" == "heartbeat":
    agent_heartbeat(agent=agent, data={"status": "healthy"})
else:
    now = timezone.now().isoformat()
    lines = [{"timestamp": now, "level": level, "message": message} for level, message in
             [("info", "call started"), ("error", "checkout tool failed"), ("info", "call ended")]]
    print(logs_ingest(organization_id=agent.organization_id, lines=lines, agent=agent)["accepted"])
"""


def agent_reports(platform, agent_id: int, what: str) -> None:
    script = AGENT_REPORTS.replace("{agent_id}", str(agent_id)).replace("{what}", what)
    platform.manage("shell", "-c", script)


def test_agent_fleet_and_log_tail_update_without_a_reload(platform, page):
    platform.wait_healthy()
    agent_id = int(platform.manage("shell", "-c", REGISTER_AGENT).stdout.strip().splitlines()[-1])
    log_in(page, platform)
    page.goto(f"{platform.url}/agents/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    cell = f"tr[data-agent-id='{agent_id}'] .agent-status"
    assert page.inner_text(cell) == "offline"
    tile = "#agent-tiles [data-status='{}'] strong"
    assert (page.inner_text(tile.format("offline")), page.inner_text(tile.format("healthy"))) == ("1", "0")
    page.evaluate("window.__marker = 'same page'")
    agent_reports(platform, agent_id, "heartbeat")
    page.wait_for_selector(f"{cell}.status-healthy", timeout=20_000)
    assert (page.inner_text(tile.format("offline")), page.inner_text(tile.format("healthy"))) == ("0", "1")
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "agents")

    page.goto(f"{platform.url}/agents/logs?level=error")
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    assert "No log lines match" in page.inner_text("#log-table")
    page.evaluate("window.__marker = 'same page'")
    agent_reports(platform, agent_id, "logs")
    page.wait_for_selector("#log-table tr.live-line", timeout=20_000)
    # the page's level filter holds for live lines too: only the error arrives
    assert page.eval_on_selector_all(
        "#log-table tr.live-line code", "els => els.map(e => e.textContent)"
    ) == ["checkout tool failed"]
    assert "No log lines match" not in page.inner_text("#log-table")
    assert page.evaluate("window.__marker") == "same page"


EMIT_DOWN = """
from django.db import transaction
from monitoring_site.accounts.models import Organization
from monitoring_site.events import emit
with transaction.atomic():
    emit(Organization.objects.get(), "monitor.down", {{"monitor": {{"id": 1, "name": "{name}"}}}})
"""


def _web_pids(platform) -> list[int]:
    return [
        pid
        for pid in processes_with_env(platform.marker)
        if b"uvicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def test_the_live_feed_reconnects_and_catches_up_on_what_it_missed(platform, page):
    platform.wait_healthy()
    log_in(page, platform)
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    platform.manage("shell", "-c", EMIT_DOWN.format(name="before"))
    page.wait_for_selector("#live-events li:has-text('before')", timeout=20_000)
    page.evaluate("window.__marker = 'same page'")

    for pid in _web_pids(platform):  # the web server dies: the page's socket drops
        os.kill(pid, signal.SIGKILL)
    page.wait_for_selector("#live-status[data-state=offline]", timeout=20_000)
    platform.manage("shell", "-c", EMIT_DOWN.format(name="while away"))  # recorded, sent to nobody

    page.wait_for_selector("#live-status[data-state=live]", timeout=60_000)  # up restarted the web server
    page.wait_for_selector("#live-events li:has-text('while away')", timeout=20_000)
    assert page.locator("#live-events li:has-text('before')").count() == 1  # replayed again, shown once
    assert page.evaluate("window.__marker") == "same page"


def test_the_overview_counters_change_live_when_a_monitor_goes_down(platform, page):
    from tests.monitors.targets import HttpTarget

    platform.wait_healthy()
    log_in(page, platform)
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    assert page.inner_text("[data-counter=monitors-down]") == "0"
    page.evaluate("window.__marker = 'same page'")
    with HttpTarget() as target:
        created = platform.api().post(
            "/monitors",
            json={
                "name": "checkout",
                "type": "website",
                "target": f"{target.url}/status/500",
                "check_interval": 10,
            },
        )
        assert created.status_code == 201, created.text
        page.wait_for_selector("[data-counter=monitors-down]:text-is('1')", timeout=60_000)
    assert "checkout" in page.inner_text("#needs-attention")
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "overview-down")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_reaches_every_section_and_log_out_without_scrolling_sideways(platform, page):
    platform.wait_healthy()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, platform)
    for path in [
        "/",
        "/monitors/",
        "/monitors/heartbeats/",
        "/alerts/",
        "/jobs/",
        "/agents/",
        "/agents/logs",
    ]:
        page.goto(f"{platform.url}{path}")
        assert _no_horizontal_scroll(page), path
        shot(page, f"phone{path.replace('/', '_')}")
    assert not page.is_visible("nav.sidebar")  # folded behind the menu button
    page.click("[data-toggle-nav]")
    page.click("nav.sidebar a:has-text('Monitors')")
    page.wait_for_selector("h1:has-text('Monitors')")
    page.click("button:has-text('Log out')")
    page.wait_for_selector("input[name=username]")


def test_dark_mode_follows_the_system_and_the_toggle(platform, page):
    platform.wait_healthy()
    page.emulate_media(color_scheme="dark")
    log_in(page, platform)
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(15, 20, 27)"  # the dark theme's --bg
    page.click("[data-theme-toggle]")
    assert page.evaluate(background) == "rgb(246, 247, 249)"
    page.reload()  # the choice is kept in this browser
    assert page.evaluate(background) == "rgb(246, 247, 249)"


def test_times_read_relative_with_the_exact_time_in_the_viewers_zone_on_hover(platform, page):
    platform.wait_healthy()
    log_in(page, platform)
    platform.manage("shell", "-c", EMIT_DOWN.format(name="timed"))
    page.goto(f"{platform.url}/")
    shown = page.wait_for_selector("#live-events li:has-text('timed') time")
    assert "ago" in shown.inner_text() or "now" in shown.inner_text(), shown.inner_text()
    assert "UTC)" in shown.get_attribute("title")  # the exact time, and the UTC it came as
