"""The metric registry: every domain registers the metrics it exposes, so alert rules, ``GET /metrics`` and
exports read any metric the same way (DESIGN section 4).

A definition yields raw ``(timestamp, value)`` points for an organization, a time range and a scope (for
example ``{"monitor_id": 3}``); aggregation (avg, percentiles, buckets) is shared in ``selectors``. A name
that no domain registered is a custom metric, read from the points pushed with ``POST /metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PointsReader = Callable[[int, datetime, datetime, dict[str, Any]], Iterable[tuple[datetime, float]]]


@dataclass(frozen=True)
class MetricDefinition:
    name: str
    unit: str
    description: str
    source: str  # the registering domain: "monitors", "agents", "jobs", ... or "custom"
    points: PointsReader
    scopes: tuple[str, ...] = field(default_factory=tuple)  # scope keys it understands, e.g. ("monitor_id",)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "description": self.description,
            "source": self.source,
            "scopes": list(self.scopes),
        }


_registry: dict[str, MetricDefinition] = {}


def register(definition: MetricDefinition) -> None:
    """Called from a domain app's ``ready()``; registering a name twice replaces the first definition."""
    _registry[definition.name] = definition


def unregister(name: str) -> None:
    """Forget ``name`` (it reads as a custom metric again); an unknown name is not an error."""
    _registry.pop(name, None)


@contextmanager
def override(definition: MetricDefinition) -> Iterator[None]:
    """Run the block with ``definition`` registered, then restore what was there (tests use it)."""
    with preserved():
        register(definition)
        yield


@contextmanager
def preserved() -> Iterator[None]:
    """Whatever the block registers or unregisters is undone after it."""
    saved = dict(_registry)
    try:
        yield
    finally:
        _registry.clear()
        _registry.update(saved)


def registered(name: str) -> MetricDefinition | None:
    return _registry.get(name)


def all_registered() -> list[MetricDefinition]:
    return sorted(_registry.values(), key=lambda d: d.name)
