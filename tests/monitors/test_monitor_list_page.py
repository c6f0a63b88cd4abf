"""The dashboard's monitor list: down first, sortable, tag chips and filter, pages, the strip of last checks,
bulk pause/resume/delete scoped to the organization, and the live stream its strips follow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitors.checks import CheckOutcome
from monitors.list_selectors import recent_beats
from monitors.models import CheckResult, Monitor
from monitors.services.transitions import monitors_record_outcomes


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def _monitor(org, name, **fields):
    return Monitor.objects.create(
        organization=org, name=name, type="website", target=f"https://{name}.example", **fields
    )


def _row_order(page: str, monitors) -> list[str]:
    body = page.split("<tbody>")[1]
    return [m.name for m in sorted(monitors, key=lambda m: body.index(f'data-monitor-id="{m.pk}"'))]


def test_down_first_then_sorted_by_any_column(browser, acme):
    a = _monitor(acme, "alpha", status="up", uptime_24h=99.9, last_response_time_ms=30)
    b = _monitor(acme, "bravo", status="down", uptime_24h=80.0, last_response_time_ms=900)
    c = _monitor(acme, "charlie", status="paused", is_paused=True)
    d = _monitor(acme, "delta", status="pending")
    rows = [a, b, c, d]
    assert _row_order(browser.get("/monitors/").content.decode(), rows) == [
        "bravo",
        "delta",
        "alpha",
        "charlie",
    ]
    by_name = browser.get("/monitors/", {"sort": "-name"}).content.decode()
    assert _row_order(by_name, rows) == ["delta", "charlie", "bravo", "alpha"]
    assert 'aria-sort="descending"' in by_name
    # no figure yet sorts last either way
    assert _row_order(browser.get("/monitors/", {"sort": "uptime"}).content.decode(), rows)[:2] == [
        "bravo",
        "alpha",
    ]
    assert _row_order(browser.get("/monitors/", {"sort": "-response"}).content.decode(), rows)[:2] == [
        "bravo",
        "alpha",
    ]
    # an unknown sort is the default order, not an error
    assert browser.get("/monitors/", {"sort": "password"}).status_code == 200


def test_tag_chips_filter_and_pages(browser, acme, umbrella):
    for i in range(30):
        _monitor(acme, f"m{i:02d}", tags=["prod" if i % 3 == 0 else "staging"])
    _monitor(umbrella, "theirs", tags=["secret-tag"])
    page = browser.get("/monitors/", {"per_page": "25", "sort": "name"}).content.decode()
    assert 'id="tag-filter"' in page and ">prod</a>" in page and ">staging</a>" in page
    assert "secret-tag" not in page and "theirs" not in page
    assert page.count("<tr data-monitor-id=") == 25 and "page 1 of 2" in page
    second = browser.get("/monitors/", {"per_page": "25", "sort": "name", "page": "2"}).content.decode()
    assert second.count("<tr data-monitor-id=") == 5 and "m29" in second and "m00" not in second
    assert "sort=name" in second.split('class="pager"')[1]  # the pager keeps the order
    tagged = browser.get("/monitors/", {"tag": "prod"}).content.decode()
    assert tagged.count("<tr data-monitor-id=") == 10
    # a page past the end shows the last one; junk per_page falls back to 50
    assert browser.get("/monitors/", {"page": "99", "per_page": "x"}).status_code == 200


def test_strip_holds_the_last_results_oldest_first(acme):
    monitor = _monitor(acme, "shop")
    other = _monitor(acme, "blog")
    start = timezone.now() - timedelta(hours=2)
    CheckResult.objects.bulk_create(
        CheckResult(
            monitor=monitor, ok=i % 7 != 0, response_time_ms=i, checked_at=start + timedelta(minutes=i)
        )
        for i in range(80)
    )
    with CaptureQueriesContext(connection) as queries:
        beats = recent_beats([monitor.pk, other.pk])
    assert len(queries) == 1
    assert [b.response_time_ms for b in beats[monitor.pk]] == [float(i) for i in range(30, 80)]
    assert beats[other.pk] == []


def test_strip_tooltips_and_query_count_do_not_grow_with_rows(browser, acme):
    monitors = [_monitor(acme, f"m{i}") for i in range(3)]
    now = timezone.now()
    CheckResult.objects.create(
        monitor=monitors[0],
        ok=False,
        response_time_ms=12.4,
        status_code=502,
        error="HTTP 502",
        checked_at=now,
    )
    page = browser.get("/monitors/").content.decode()
    assert "12 ms · HTTP 502 · HTTP 502" in page and page.count('class="beat empty"') == 3 * 50 - 1
    with CaptureQueriesContext(connection) as few:
        browser.get("/monitors/")
    for i in range(30):
        _monitor(acme, f"more{i}")
    with CaptureQueriesContext(connection) as many:
        browser.get("/monitors/")
    assert len(many) == len(few)


def test_bulk_pause_resume_delete_only_own_monitors(browser, acme, umbrella):
    mine = [_monitor(acme, f"m{i}") for i in range(3)]
    theirs = _monitor(umbrella, "theirs")
    ids = [str(m.pk) for m in mine[:2]]
    response = browser.post("/monitors/bulk", {"action": "pause", "ids": ids, "next": "/monitors/?sort=name"})
    assert response.status_code == 302 and response["Location"] == "/monitors/?sort=name"
    assert sorted(Monitor.objects.filter(is_paused=True).values_list("name", flat=True)) == ["m0", "m1"]
    browser.post("/monitors/bulk", {"action": "pause", "ids": ids})  # already paused: nothing changes
    assert Monitor.objects.filter(is_paused=True).count() == 2
    browser.post("/monitors/bulk", {"action": "resume", "ids": [str(mine[0].pk)]})
    assert Monitor.objects.get(pk=mine[0].pk).status == "pending"
    # another organization's monitor among the ticked: the whole request is refused
    refused = browser.post("/monitors/bulk", {"action": "delete", "ids": [str(mine[2].pk), str(theirs.pk)]})
    assert refused.status_code == 302 and Monitor.objects.filter(pk__in=[mine[2].pk, theirs.pk]).count() == 2
    assert "valid choice" in browser.get("/monitors/").content.decode()
    browser.post("/monitors/bulk", {"action": "explode", "ids": ids})
    assert Monitor.objects.count() == 4
    browser.post("/monitors/bulk", {"action": "delete", "ids": ids})
    assert sorted(Monitor.objects.values_list("name", flat=True)) == ["m2", "theirs"]
    # an outside "next" is not followed
    assert (
        browser.post(
            "/monitors/bulk", {"action": "pause", "ids": [str(mine[2].pk)], "next": "https://evil.example/"}
        )["Location"]
        == "/monitors/"
    )


def test_bulk_needs_a_member(viewer, acme):
    monitor = _monitor(acme, "shop")
    client = Client()
    client.force_login(viewer)
    client.post("/monitors/bulk", {"action": "pause", "ids": [str(monitor.pk)]})
    assert not Monitor.objects.get(pk=monitor.pk).is_paused
    assert "Pick" not in client.get("/monitors/").content.decode()


def test_recorded_results_go_out_on_the_results_stream(
    acme, umbrella, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(
        "monitoring_site.realtime.events.send_now", lambda org, message, also=(): sent.append((org, message))
    )
    mine, theirs = _monitor(acme, "shop"), _monitor(umbrella, "blog")
    now = timezone.now()
    outcome = CheckOutcome(ok=True, response_time_ms=42.0, status_code=200, error="", started_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        monitors_record_outcomes(checks=[(mine, outcome, None), (theirs, outcome, None)], now=now)
    streamed = [(org, m) for org, m in sent if m["event"] == "monitor.check_results"]
    assert sorted(org for org, _ in streamed) == sorted([acme.pk, umbrella.pk])
    ours = next(m for org, m in streamed if org == acme.pk)
    assert ours["topic"] == "monitor.results"
    assert ours["data"]["results"] == [
        {
            "monitor_id": mine.pk,
            "checked_at": now.isoformat(),
            "ok": True,
            "response_time_ms": 42.0,
            "status_code": 200,
            "error": "",
            "status": "up",
            "uptime_24h": None,
        }
    ]
