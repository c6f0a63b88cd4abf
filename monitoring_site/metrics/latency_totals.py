"""What every latency total shares, whether it sums checks (``monitors.rollup_selectors.Totals``) or
requests (``agents.totals.Totals``): a count, the failures among it, and a mergeable latency sketch, with
the rates and quantiles read from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitoring_site.metrics.sketch import LatencySketch


@dataclass
class LatencyTotals:
    """Counts add and sketches merge, so totals over any span come from totals over its parts."""

    count: int = 0
    failures: int = 0
    sketch: LatencySketch = field(default_factory=LatencySketch)

    def add_counts(self, count: int, failures: int, sketch: dict[str, Any] | LatencySketch | None) -> None:
        """Add a part's count, failures and sketch (a sketch as stored in a rollup row, or a sketch)."""
        self.count += count
        self.failures += failures
        if isinstance(sketch, LatencySketch):
            self.sketch.merge(sketch)
        elif sketch:
            self.sketch.merge(LatencySketch.from_json(sketch))

    @property
    def success_percent(self) -> float | None:
        """The share of the count that did not fail, in percent to three places; None with no count."""
        return round(100.0 * (self.count - self.failures) / self.count, 3) if self.count else None

    @property
    def failure_percent(self) -> float | None:
        """The share of the count that failed, in percent to three places; None with no count."""
        return round(100.0 * self.failures / self.count, 3) if self.count else None

    def quantile(self, q: float) -> float | None:
        """The latency quantile ``q`` (0.95 for p95) to three places; None with no latency."""
        value = self.sketch.quantile(q)
        return None if value is None else round(value, 3)
