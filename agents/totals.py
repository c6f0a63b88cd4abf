"""Request totals as rollups hold them (counts, tokens, latency sum, mergeable sketch); the period sizes
and bucket starts are ``monitoring_site.time_buckets``'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitoring_site.metrics.latency_totals import LatencyTotals


@dataclass
class Totals(LatencyTotals):
    """Requests summed over rollups (or events): the shared counts and sketch, with tokens and the latency
    sum (every request has a latency)."""

    input_tokens: int = 0
    output_tokens: int = 0
    latency_sum: float = 0.0

    def add_rollup(self, row: Any) -> None:
        """Add a ``RequestRollup`` row (``AgentRollup``, ``AgentFleetRollup``, ``ServiceRollup``)."""
        self.add_counts(row.count, row.failures, row.sketch)
        self.input_tokens += row.input_tokens
        self.output_tokens += row.output_tokens
        self.latency_sum += row.latency_sum

    def add_totals(self, other: Totals) -> None:
        self.add_counts(other.count, other.failures, other.sketch)
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.latency_sum += other.latency_sum

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
            "error_rate_percent": self.failure_percent,
            "avg_latency_ms": round(self.latency_sum / self.count, 3) if self.count else None,
            "p50_latency_ms": self.quantile(0.5),
            "p95_latency_ms": self.quantile(0.95),
            "p99_latency_ms": self.quantile(0.99),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }


def merged(by_model: dict[str, Totals]) -> Totals:
    total = Totals()
    for totals in by_model.values():
        total.add_totals(totals)
    return total
