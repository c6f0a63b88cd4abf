"""A monitor's page: the chart shows data from the first check in every range (raw results until the
rollups cover them), the range's own figures, the events with their durations, the certificate's date."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.models import MaintenanceWindow
from monitors.detail_selectors import CHART_RANGES, monitor_events, response_series
from monitors.models import CheckResult, Monitor, StatusChange


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def _series(page: str) -> dict:
    return json.loads(page.split('id="response-data" type="application/json">')[1].split("</script>")[0])


@pytest.mark.parametrize("period", list(CHART_RANGES))
def test_a_new_monitors_first_check_is_on_the_chart_in_every_range(browser, acme, period):
    monitor = Monitor.objects.create(
        organization=acme, name="New", type="website", target="https://x.example"
    )
    CheckResult.objects.create(monitor=monitor, ok=True, response_time_ms=87.0, checked_at=timezone.now())
    page = browser.get(f"/monitors/{monitor.pk}", {"period": period}).content.decode()
    data = _series(page)
    assert [v for v in data["avg"] if v is not None] == [87.0]
    assert [v for v in data["p95"] if v is not None] == [pytest.approx(87.0, rel=0.02)]
    assert data["summary"]["checks"] == 1 and "1 checks · uptime 100.000%" in page
    assert f'aria-current="true">{period}</a>' in page


def test_buckets_hold_the_p95_of_their_checks_and_failures(acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Busy", type="website", target="https://x.example"
    )
    now = timezone.now().replace(second=30, microsecond=0)
    CheckResult.objects.bulk_create(
        CheckResult(
            monitor=monitor,
            ok=i != 7,
            response_time_ms=float(10 * (i + 1)),
            checked_at=now - timedelta(seconds=i),
        )
        for i in range(20)
    )
    data = response_series(monitor.pk, "1h", now)
    assert len(data["t"]) == 61 and data["bucket_seconds"] == 60
    last = data["t"].index(int(now.replace(second=0).timestamp()))
    assert data["avg"][last] == 105.0 and data["p95"][last] == pytest.approx(190, rel=0.03)
    assert data["failed"][last] == 1 and sum(data["failed"]) == 1
    assert data["summary"]["uptime"] == 95.0
    # an unknown range is the default one, not an error
    assert response_series(monitor.pk, "1y", now)["period"] == "24h"


def test_events_last_until_the_next_and_maintenance_counts(acme, umbrella):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://x.example"
    )
    now = timezone.now()
    for minutes_ago, old, new in ((120, "pending", "up"), (30, "up", "down"), (10, "down", "up")):
        StatusChange.objects.create(
            monitor=monitor, from_status=old, to_status=new, at=now - timedelta(minutes=minutes_ago)
        )
    MaintenanceWindow.objects.create(
        organization=acme,
        name="Upgrade",
        starts_at=now - timedelta(hours=5),
        ends_at=now - timedelta(hours=4),
        applies_to_all=False,
        subjects=[{"type": "monitor", "id": monitor.pk}],
    )
    MaintenanceWindow.objects.create(  # another monitor's window
        organization=acme,
        name="Other",
        starts_at=now - timedelta(hours=5),
        ends_at=now - timedelta(hours=4),
        applies_to_all=False,
        subjects=[{"type": "monitor", "id": monitor.pk + 1}],
    )
    MaintenanceWindow.objects.create(  # another organization's window, even one for everything
        organization=umbrella,
        name="Theirs",
        starts_at=now - timedelta(hours=5),
        ends_at=now - timedelta(hours=4),
    )
    events = monitor_events(monitor, now)
    assert [(e.kind, e.reason, round(e.lasted.total_seconds() / 60)) for e in events] == [
        ("up", "", 10),
        ("down", "", 20),
        ("up", "", 90),
        ("maintenance", "Upgrade", 60),
    ]
    assert events[0].until is None and events[1].until is not None


def test_the_page_shows_events_durations_and_the_certificates_date(browser, acme):
    now = timezone.now()
    monitor = Monitor.objects.create(
        organization=acme,
        name="TLS",
        type="website",
        target="https://x.example",
        cert_days_left=20,
        last_checked_at=now,
    )
    StatusChange.objects.create(
        monitor=monitor, from_status="up", to_status="down", at=now - timedelta(days=1, hours=2)
    )
    page = browser.get(f"/monitors/{monitor.pk}").content.decode()
    assert f"expires {(now + timedelta(days=20)):%Y-%m-%d} (UTC)" in page
    events = page.split('id="monitor-events"')[1].split("</table>")[0]
    assert "status-down" in events and "1 day 2 h" in events and "so far" in events
