"""The overview answers "is anything broken?": counters by status, a worst-first needs-attention list with
links, the day's latest events as linked lines; only the organization's own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from agents.models import Agent
from alerts.models import Alert, AlertRule
from jobs.models import Job
from monitoring_site.events import emit
from monitors.models import Heartbeat, Incident, Monitor
from tests.jobs.factories import make_task


@pytest.fixture
def broken(acme, umbrella):
    now = timezone.now()
    shop = Monitor.objects.create(
        organization=acme, name="shop", type="website", target="https://s.test/", status="down"
    )
    Monitor.objects.create(
        organization=acme, name="blog", type="website", target="https://b.test/", status="up"
    )
    Monitor.objects.create(
        organization=acme, name="old", type="website", target="https://o.test/", status="paused"
    )
    Incident.objects.create(
        organization=acme, monitor=shop, started_at=now - timedelta(minutes=5), error_message="HTTP 503"
    )
    Heartbeat.objects.create(
        organization=acme, name="backup", token="t1", status="late", late_at=now - timedelta(minutes=1)
    )
    Heartbeat.objects.create(organization=acme, name="billing", token="t2", status="down", down_at=now)
    rule = AlertRule.objects.create(organization=acme, name="r", metric="m", operator="gt", threshold=1)
    Alert.objects.create(
        organization=acme, rule=rule, severity="critical", title="Queue backing up", message="250 > 100",
        metric="m", operator="gt", threshold_value=100,
    )  # fmt: skip
    Agent.objects.create(
        organization=acme, name="voice", type="chat", status="degraded", last_heartbeat_at=now
    )
    job = Job.objects.create(organization=acme, task=make_task(acme), status="failed", completed_at=now)
    emit(acme, "monitor.down", {"monitor": {"id": shop.pk, "name": "shop"}})
    Monitor.objects.create(
        organization=umbrella, name="theirs", type="website", target="https://u.test/", status="down"
    )
    emit(umbrella, "monitor.down", {"monitor": {"id": 999, "name": "theirs"}})
    return {"shop": shop, "job": job}


def test_the_overview_counts_lists_worst_first_and_links_each_subject(owner, broken):
    browser = Client()
    browser.force_login(owner)
    page = browser.get("/").content.decode()
    assert 'data-counter="monitors-down">1<' in page and "1 up · 1 paused" in page
    assert 'data-counter="heartbeats-down">1<' in page and "1 late" in page
    assert 'data-counter="open-incidents">1<' in page and 'data-counter="active-alerts">1<' in page
    assert 'data-counter="agents-unwell">1<' in page and 'data-counter="jobs-failed">1<' in page
    attention = page[
        page.index('id="needs-attention"') : page.index("</table>", page.index('id="needs-attention"'))
    ]
    order = [
        name
        for name in ("shop", "billing", "Queue backing up", "voice", "backup", "nightly")
        if name in attention
    ]
    assert order == ["shop", "billing", "Queue backing up", "voice", "backup", "nightly"]
    assert f'href="/monitors/{broken["shop"].pk}"' in attention and "HTTP 503" in attention
    assert f'href="/jobs/runs/{broken["job"].pk}"' in attention
    feed = page[page.index('id="live-events"') :]
    assert f'<a href="/monitors/{broken["shop"].pk}">monitor.down · shop</a>' in feed
    assert "theirs" not in page  # another organization's monitor and event


def test_the_panel_alone_for_the_live_refresh_and_an_all_clear(owner, viewer, acme):
    browser = Client()
    browser.force_login(viewer)
    panel = browser.get("/overview/panel").content.decode()
    assert "Nothing needs attention" in panel and 'data-counter="monitors-down">0<' in panel
    assert "<html" not in panel
    assert Client().get("/overview/panel").status_code == 302  # log in first
