"""The latency sketch: quantiles within 1% of the exact value, and merging equals sketching the union."""

import random

import pytest

from monitoring_site.metrics.sketch import RELATIVE_ACCURACY, LatencySketch


def exact(values, q):
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


@pytest.mark.parametrize("q", [0.0, 0.5, 0.9, 0.95, 0.99, 1.0])
def test_quantiles_are_within_one_percent(q):
    rng = random.Random(7)
    values = [rng.lognormvariate(4, 1.2) for _ in range(20_000)] + [0.0004, 90_000.0]
    sketch = LatencySketch().extend(values)
    expected = max(exact(values, q), 1e-3)
    assert abs(sketch.quantile(q) - expected) <= RELATIVE_ACCURACY * expected


def test_merge_of_parts_equals_the_whole_and_survives_json():
    rng = random.Random(3)
    parts = [[rng.uniform(20, 200) for _ in range(500)] for _ in range(24)]
    merged = LatencySketch()
    for part in parts:
        merged.merge(LatencySketch.from_json(LatencySketch().extend(part).to_json()))
    whole = LatencySketch().extend(v for part in parts for v in part)
    assert merged.bins == whole.bins and merged.count == 12_000
    assert merged.quantile(0.99) == whole.quantile(0.99)


def test_empty_sketch_has_no_quantile():
    assert LatencySketch().quantile(0.5) is None and LatencySketch.from_json(None).count == 0
