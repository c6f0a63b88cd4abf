"""Request totals as rollups hold them (counts, tokens, latency sum, mergeable sketch); the period sizes
and bucket starts are ``monitoring_site.time_buckets``'."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitoring_site.metrics.sketch import LatencySketch


@dataclass
class Totals:
    """Requests summed over rollups (or events): counts, tokens, latency sum and sketch."""

    count: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_sum: float = 0.0
    sketch: LatencySketch = field(default_factory=LatencySketch)

    def add_rollup(self, row: Any) -> None:
        """Add an ``AgentRollup`` or ``AgentFleetRollup`` row."""
        self.count += row.count
        self.failures += row.failures
        self.input_tokens += row.input_tokens
        self.output_tokens += row.output_tokens
        self.latency_sum += row.latency_sum
        self.sketch.merge(LatencySketch.from_json(row.sketch))

    def add_totals(self, other: Totals) -> None:
        self.count += other.count
        self.failures += other.failures
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.latency_sum += other.latency_sum
        self.sketch.merge(other.sketch)

    def add_event(self, event: Any) -> None:
        """Add an ``AgentRequestEvent``."""
        self.count += 1
        self.failures += 0 if event.success else 1
        self.input_tokens += event.input_tokens
        self.output_tokens += event.output_tokens
        self.latency_sum += event.latency_ms
        self.sketch.add(event.latency_ms)

    def figures(self) -> dict[str, Any]:
        return {
            "requests": self.count,
            "successful": self.count - self.failures,
            "failed": self.failures,
            "error_rate_percent": round(100.0 * self.failures / self.count, 3) if self.count else None,
            "avg_latency_ms": round(self.latency_sum / self.count, 3) if self.count else None,
            "p50_latency_ms": _round(self.sketch.quantile(0.5)),
            "p95_latency_ms": _round(self.sketch.quantile(0.95)),
            "p99_latency_ms": _round(self.sketch.quantile(0.99)),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def merged(by_model: dict[str, Totals]) -> Totals:
    total = Totals()
    for totals in by_model.values():
        total.add_totals(totals)
    return total
