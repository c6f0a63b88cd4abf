"""Every page group under the Content-Security-Policy in a real Chromium: no violation and no console error
on the dashboard, the Django admin, the Swagger UI and a public status page, and the charts that used
inline styles still draw; every form control on the dashboard's pages has a label and every live status
cell sits in an aria-live region."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD
from tests.e2e.test_browser import log_in, page  # noqa: F401 (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


ALERTS_SIDE = """
import json
from datetime import timedelta
from django.utils import timezone
from alerts.models import AlertRule, MaintenanceWindow, NotificationChannel
from alerts.services.alerts import alert_trigger
from alerts.services.webhooks import webhook_create
from monitoring_site.accounts.models import Organization
org = Organization.objects.get()
now = timezone.now()
rule = AlertRule.objects.create(organization=org, name="Slow", metric="response_time_ms", operator="gt",
                                threshold=1)
alert, _ = alert_trigger(rule=rule, value=9, now=now)
channel = NotificationChannel.objects.create(organization=org, name="ops", kind="email",
                                             config={"to": ["a@b.co"]})
hook = webhook_create(organization=org, url="https://hooks.example/h", events=["*"])
window = MaintenanceWindow.objects.create(organization=org, name="w", starts_at=now,
                                          ends_at=now + timedelta(hours=1))
made = {"rule": rule, "alert": alert, "channel": channel, "webhook": hook, "window": window}
print(json.dumps({key: value.pk for key, value in made.items()}))
"""


def seed(platform) -> dict[str, int | str]:
    token = httpx.post(
        f"{platform.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["data"]["token"]
    api = httpx.Client(base_url=f"{platform.url}/api/v1", headers={"Authorization": f"Bearer {token}"})

    def made(path: str, body: dict, key: str) -> dict:
        answer = api.post(path, json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()["data"][key]

    monitor = made(
        "/monitors", {"name": "self", "type": "website", "target": f"{platform.url}/api/v1/health"}, "monitor"
    )
    task = made("/tasks", {"name": "noop"}, "task")
    made("/jobs", {"task": task["id"]}, "job")
    agent = made("/agents", {"name": "bot", "type": "chat"}, "agent")
    now = time.time_ns()
    trace = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "startTimeUnixNano": str(now - 10**9),
        "endTimeUnixNano": str(now),
    }
    spans = [
        {**trace, "spanId": "0000000000000001", "name": "handle", "kind": 2},
        {**trace, "spanId": "0000000000000002", "parentSpanId": "0000000000000001", "name": "chat",
         "attributes": [{"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}}]},
    ]  # fmt: skip
    exported = httpx.post(
        f"{platform.url}/v1/traces",
        json={"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]},
        headers={"Authorization": f"Bearer {agent['ingest_token']}"},
    )
    assert exported.status_code == 200, exported.text
    heartbeat = made("/heartbeats", {"name": "nightly", "run_interval": 3600}, "heartbeat")
    status_page = made(
        "/status-pages",
        {"name": "Public", "slug": "public", "components": [{"monitor_id": monitor["id"]}]},
        "status_page",
    )
    alerts_side = json.loads(platform.manage("shell", "-c", ALERTS_SIDE).stdout.strip().splitlines()[-1])
    return {
        **alerts_side,
        "monitor": monitor["id"], "task": task["id"], "agent": agent["id"], "heartbeat": heartbeat["id"],
        "status_page": status_page["id"], "slug": status_page["slug"],
    }  # fmt: skip


UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => el.type !== "hidden" && !(el.labels && el.labels.length)
    && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby") && !el.title)
  .map(el => el.outerHTML.slice(0, 120))"""
SILENT = """() => Array.from(document.querySelectorAll(
    ".monitor-status, .heartbeat-status, .job-status, .agent-status, .alert-status"))
  .filter(el => !el.closest("[aria-live]")).map(el => el.outerHTML.slice(0, 120))"""


def test_no_page_breaks_the_content_security_policy(platform, page):  # noqa: F811
    platform.wait_healthy()
    ids = seed(platform)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    log_in(page, platform)
    paths = [
        "/", "/monitors/", f"/monitors/{ids['monitor']}", f"/monitors/{ids['monitor']}/edit", "/monitors/new",
        "/monitors/incidents", "/monitors/heartbeats/", f"/monitors/heartbeats/{ids['heartbeat']}",
        f"/monitors/heartbeats/{ids['heartbeat']}/edit", "/monitors/heartbeats/new",
        "/monitors/status-pages/", f"/monitors/status-pages/{ids['status_page']}",
        "/alerts/", "/alerts/rules", "/alerts/rules/new", "/alerts/channels", "/alerts/channels/new",
        "/alerts/webhooks", "/alerts/maintenance", f"/alerts/{ids['alert']}",
        f"/alerts/rules/{ids['rule']}/edit", f"/alerts/channels/{ids['channel']}/edit",
        f"/alerts/webhooks/{ids['webhook']}", f"/alerts/webhooks/{ids['webhook']}/edit",
        f"/alerts/maintenance/{ids['window']}/edit", f"/monitors/{ids['monitor']}?period=1h",
        f"/monitors/{ids['monitor']}?period=90d", "/jobs/", "/jobs/runs/", "/jobs/tasks/",
        f"/jobs/tasks/{ids['task']}", "/jobs/tasks/new", "/jobs/queues/", "/jobs/runners/",
        "/agents/", f"/agents/{ids['agent']}", "/agents/costs", "/agents/logs",
        "/agents/traces/5b8efff798038103d269b633813fc60c", f"/agents/{ids['agent']}?trace_errors=1",
        "/settings/api-keys", "/settings/members", "/settings/display",
        "/admin/", "/admin/monitors/monitor/", f"/admin/monitors/monitor/{ids['monitor']}/change/",
    ]  # fmt: skip
    for path in paths:
        response = page.goto(f"{platform.url}{path}", wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        page.wait_for_timeout(150)  # late console messages (deferred scripts, the WebSocket)
        if not path.startswith("/admin/"):  # every control of ours has a label a screen reader reads
            unlabelled = page.evaluate(UNLABELLED)
            assert unlabelled == [], (path, unlabelled)
            silent = page.evaluate(SILENT)  # live status cells are announced when they change
            assert silent == [], (path, silent)

    page.goto(f"{platform.url}/jobs/", wait_until="load")
    heights = page.eval_on_selector_all(
        "#jobs-over-time .bar", "bars => bars.map(b => [b.dataset.height, b.getBoundingClientRect().height])"
    )
    assert heights and all(abs(float(given) - drawn) < 1 for given, drawn in heights), heights
    assert max(drawn for _, drawn in heights) > 0

    for path, chart in (
        (f"/alerts/{ids['alert']}", "#alert-chart"),
        (f"/monitors/{ids['monitor']}", "#response-chart"),
    ):
        page.goto(f"{platform.url}{path}", wait_until="load")
        page.wait_for_selector(f"{chart}[data-ready] canvas")  # uPlot drew under the policy

    page.goto(f"{platform.url}/api/docs", wait_until="load")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # Swagger UI ran and drew operations
    page.goto(f"{platform.url}/status/{ids['slug']}", wait_until="load")
    page.wait_for_selector("#overall")
    page.wait_for_timeout(300)
    assert problems == [], "\n".join(problems)
