"""The latency totals checks and requests share: counts add, sketches merge, the same quantiles."""

from agents.totals import Totals as RequestTotals
from monitoring_site.metrics.latency_totals import LatencyTotals
from monitoring_site.metrics.sketch import LatencySketch
from monitors.rollup_selectors import Totals as CheckTotals


def test_checks_and_requests_sum_the_same_way():
    checks, requests = CheckTotals(), RequestTotals()
    for ms in range(1, 101):
        checks.add_check(ms % 10 != 0, float(ms))
    part = LatencySketch()
    for ms in range(1, 101):
        part.add(float(ms))
    requests.add_counts(100, 10, part.to_json())  # a rollup row's sketch is stored as JSON
    assert isinstance(checks, LatencyTotals) and isinstance(requests, LatencyTotals)
    assert checks.uptime == requests.success_percent == 90.0 and requests.failure_percent == 10.0
    assert checks.quantile(0.95) == requests.quantile(0.95)
    assert 94 <= checks.quantile(0.95) <= 96  # within the sketch's 1%
    assert requests.figures()["p95_latency_ms"] == requests.quantile(0.95)


def test_empty_totals_have_no_rates_or_quantiles():
    empty = LatencyTotals()
    empty.add_counts(0, 0, None)
    assert (empty.success_percent, empty.failure_percent, empty.quantile(0.5)) == (None, None, None)
