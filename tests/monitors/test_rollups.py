"""Rollups with a fixed ``now``: minutes from raw results, hours from minutes, days from hours; uptime and
percentiles read from them match the raw data; a repeated run changes nothing."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitoring_site.metrics.sketch import RELATIVE_ACCURACY
from monitors.models import CheckResult, CheckRollup, Monitor, RollupCursor
from monitors.rollup_selectors import monitor_period_totals, monitors_series
from monitors.services.rollups import rollups_advance, rollups_prune

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def monitors(acme):
    return [
        Monitor.objects.create(organization=acme, name=n, type="website", target=f"https://{n}.example")
        for n in ("a", "b")
    ]


def fill(monitor, start, minutes, every=20, fail_every=0, rng=None):
    """One check every ``every`` seconds for ``minutes``; every ``fail_every``-th fails."""
    rng = rng or random.Random(1)
    rows = []
    for i in range(minutes * 60 // every):
        ok = not (fail_every and i % fail_every == 0)
        rows.append(
            CheckResult(
                monitor=monitor,
                checked_at=start + timedelta(seconds=i * every),
                ok=ok,
                response_time_ms=rng.uniform(20, 200) if ok else None,
            )
        )
    CheckResult.objects.bulk_create(rows)
    return rows


def run_until(now, step=timedelta(hours=2)):
    """The beat task catches up in slices of at most MAX_BUCKETS_PER_RUN; call it until it is done."""
    for _ in range(200):
        if not any(v for k, v in rollups_advance(now=now).items() if k in ("minute", "hour", "day")):
            return


def test_levels_roll_up_and_agree_with_the_raw_results(monitors):
    a, b = monitors
    rows = fill(a, DAY0, 26 * 60, fail_every=10)
    fill(b, DAY0, 60)
    now = DAY0 + timedelta(hours=26, minutes=10)
    run_until(now)

    cursors = dict(RollupCursor.objects.values_list("resolution", "done_until"))
    assert cursors["minute"] == DAY0 + timedelta(hours=26, minutes=7)
    assert cursors["hour"] == DAY0 + timedelta(hours=26)
    assert cursors["day"] == DAY0 + timedelta(days=1)

    day = CheckRollup.objects.get(monitor=a, resolution="day", bucket_start=DAY0)
    in_day = [r for r in rows if r.checked_at < DAY0 + timedelta(days=1)]
    assert day.count == len(in_day) == 4320 and day.failures == 432
    times = sorted(r.response_time_ms for r in in_day if r.ok)
    assert day.rt_avg == pytest.approx(sum(times) / len(times))
    exact_p95 = times[int(0.95 * (len(times) - 1))]
    assert abs(day.rt_p95 - exact_p95) <= RELATIVE_ACCURACY * exact_p95
    assert CheckRollup.objects.filter(monitor=a, resolution="hour").count() == 26
    assert CheckRollup.objects.filter(monitor=b, resolution="minute").count() == 60

    a.refresh_from_db()
    assert a.uptime_24h == 90.0 and a.uptime_30d == 90.0
    totals = monitor_period_totals(a, "24h", now=now)
    last_24h = [r for r in rows if r.checked_at >= DAY0 + timedelta(hours=2)]
    assert totals.count == len(last_24h) and totals.uptime == 90.0

    before = list(CheckRollup.objects.order_by("pk").values_list("pk", "count", "rt_p99"))
    run_until(now)
    assert list(CheckRollup.objects.order_by("pk").values_list("pk", "count", "rt_p99")) == before


def test_series_merges_finer_rows_into_the_chart_buckets(monitors):
    a, _ = monitors
    fill(a, DAY0, 90, fail_every=3)
    now = DAY0 + timedelta(minutes=100)
    run_until(now)
    series = monitors_series([a.pk], "24h", "hour", now=now, quantiles=True)[a.pk]
    assert [at for at, _ in series] == [DAY0, DAY0 + timedelta(hours=1)]
    first, second = (t for _, t in series)
    assert (first.count, second.count) == (180, 90)  # the second hour is its rolled minutes so far
    assert first.uptime == pytest.approx(66.667) and first.quantile(0.95) is not None


def test_a_monitor_without_checks_has_no_uptime_and_prune_keeps_recent_rows(monitors, settings):
    a, b = monitors
    fill(a, DAY0, 10)
    run_until(DAY0 + timedelta(hours=1, minutes=10))
    b.refresh_from_db()
    assert b.uptime_24h is None and monitor_period_totals(b, "7d", now=DAY0).count == 0
    assert rollups_prune(now=DAY0 + timedelta(days=2, minutes=15)) == 10  # the minutes, not the hour
    assert CheckRollup.objects.filter(resolution="hour").count() == 1


def test_reads_include_checks_not_rolled_yet(monitors):
    a, _ = monitors
    fill(a, DAY0, 30, fail_every=2)
    now = DAY0 + timedelta(minutes=31)
    totals = monitor_period_totals(a, "24h", now=now)  # nothing rolled: all raw
    assert (totals.count, totals.uptime) == (90, 50.0)
    run_until(now)
    assert monitor_period_totals(a, "24h", now=now).count == 90  # rolled minutes plus the raw tail
    stale = monitors_series([a.pk], "24h", "hour", now=now, fresh=False)[a.pk]
    assert stale == []  # the hour is not closed: hour rollups alone have nothing yet
