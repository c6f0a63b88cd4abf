"""The dashboard's list pages: each shows a page at a time with the pager (never silently its first rows),
and costs the same number of queries at 1 row and at 30."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from model_bakery import baker

import agents.views
import alerts.views
import jobs.views
import monitors.heartbeat_views
import monitors.views
from tests.conftest import client_for
from tests.contract.resources import make


def _rows(kind: str):
    numbers = itertools.count(100)

    def create(acme, owner, n: int) -> None:
        api = client_for(owner)
        for _ in range(n):
            make(kind, api, acme, next(numbers))

    return create


def _deliveries(acme, owner, n: int) -> None:
    webhook = baker.make("alerts.Webhook", organization=acme, url="https://hooks.example/x", events=["*"])
    event = baker.make("alerts.Event", organization=acme, name="monitor.down", occurred_at=timezone.now())
    for i in range(n):
        baker.make(
            "alerts.Delivery",
            event=event,
            organization=acme,
            webhook=webhook,
            target_type="webhook",
            target_key=f"w{i}",
            next_attempt_at=timezone.now(),
        )


PAGES = [
    ("/alerts/", alerts.views, _rows("/alerts")),
    ("/jobs/runs/", jobs.views, _rows("/jobs")),
    ("/jobs/tasks/", jobs.views, _rows("/tasks")),
    ("/monitors/heartbeats/", monitors.heartbeat_views, _rows("/heartbeats")),
    ("/monitors/incidents", monitors.views, _rows("/incidents")),
    ("/agents/", agents.views, _rows("/agents")),
    ("webhook", alerts.views, _deliveries),
]


def _url(url: str, acme) -> str:
    if url == "webhook":
        from alerts.models import Webhook

        return f"/alerts/webhooks/{Webhook.objects.get(organization=acme).pk}"
    return url


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.mark.parametrize(("url", "module", "create"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_pages_instead_of_stopping_at_its_first_rows(
    browser, owner, acme, monkeypatch, url, module, create
):
    monkeypatch.setattr(module, "PAGE", 3)
    create(acme, owner, 4)
    first = browser.get(_url(url, acme), {"status": ""} if url == "/alerts/" else {})
    assert first.status_code == 200
    assert "page 1 of 2" in first.content.decode() and 'rel="next"' in first.content.decode()
    second = browser.get(_url(url, acme), {"page": 2})
    assert "page 2 of 2" in second.content.decode()


def _queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "module", "create"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_page_costs_the_same_queries_at_1_and_30_rows(browser, owner, acme, url, module, create):
    if url == "webhook":
        create(acme, owner, 1)
        one = _queries(browser, _url(url, acme))
        from alerts.models import Delivery

        first = Delivery.objects.first()
        for i in range(29):
            baker.make(
                "alerts.Delivery",
                event=first.event,
                organization=acme,
                webhook=first.webhook,
                target_type="webhook",
                target_key=f"more{i}",
                next_attempt_at=timezone.now(),
            )
    else:
        create(acme, owner, 1)
        one = _queries(browser, _url(url, acme))
        create(acme, owner, 29)
    thirty = _queries(browser, _url(url, acme))
    assert thirty <= one, (url, one, thirty)


def test_detail_pages_say_how_much_they_show_and_where_the_rest_is(acme, owner):
    from django.test import Client

    from jobs.inputs import NewTask
    from jobs.services.tasks import task_create
    from monitors.inputs import NewHeartbeat, NewMonitor
    from monitors.services.heartbeats import heartbeat_create
    from monitors.services.monitors import monitor_create

    browser = Client()
    browser.force_login(owner)
    task, _ = task_create(organization=acme, new=NewTask(name="export"))
    monitor, _ = monitor_create(organization=acme, new=NewMonitor(name="m", type="port", target="x", port=1))
    beat = heartbeat_create(organization=acme, new=NewHeartbeat(name="b", run_interval=600))
    task_page = browser.get(f"/jobs/tasks/{task.pk}").content.decode()
    assert f"/jobs/runs/?task_id={task.pk}" in task_page and "the latest 50" in task_page
    monitor_page = browser.get(f"/monitors/{monitor.pk}").content.decode()
    assert f"/monitors/incidents?monitor_id={monitor.pk}" in monitor_page
    assert f"/api/v1/monitors/{monitor.pk}/logs" in monitor_page
    beat_page = browser.get(f"/monitors/heartbeats/{beat.pk}").content.decode()
    assert f"/monitors/incidents?heartbeat_id={beat.pk}" in beat_page
    assert f"/api/v1/heartbeats/{beat.pk}/pings" in beat_page
    listed = browser.get("/jobs/runs/", {"task_id": task.pk})
    assert listed.status_code == 200
