"""``GET /monitors/{id}/uptime``: p50, p95 and p99 are the response times' own percentiles, from the raw
results of the newest minutes and from the rollups of older ones alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitors.inputs import NewMonitor
from monitors.models import CheckResult
from monitors.services.monitors import monitor_create
from monitors.services.rollups import rollups_advance
from tests.conftest import data_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rolled", "age", "period"),
    [
        (False, timedelta(hours=3), "24h"),
        (True, timedelta(hours=3), "24h"),
        (True, timedelta(days=3), "7d"),
        (True, timedelta(days=20), "30d"),
        (True, timedelta(days=60), "90d"),
    ],
)
def test_percentiles_are_the_response_times_own(member_client, acme, rolled, age, period):
    monitor = monitor_create(
        organization=acme, new=NewMonitor(name="m", type="website", target="https://example.com")
    ).obj
    now = timezone.now()
    CheckResult.objects.bulk_create(
        CheckResult(
            monitor=monitor, checked_at=now - age - timedelta(seconds=i), ok=True, response_time_ms=ms
        )
        for i, ms in enumerate(range(1, 1001))  # 1 ms to 1000 ms, one of each
    )
    if rolled:
        rollups_advance(now=now)
    figures = data_of(member_client.get(f"/api/v1/monitors/{monitor.pk}/uptime?period={period}"))["uptime"]
    times = figures["response_time"]
    assert figures["checks"] == 1000
    assert times["p50"] == pytest.approx(500, rel=0.03)
    assert times["p95"] == pytest.approx(950, rel=0.03)
    assert times["p99"] == pytest.approx(990, rel=0.03)
