"""A mergeable latency sketch: values counted in logarithmic buckets, so any quantile read back is within
``RELATIVE_ACCURACY`` (1%) of a value of the data, and sketches of adjacent periods merge exactly.

It is the DDSketch idea (Masson et al., VLDB 2019) kept to what rollups need: positive values, a sparse
``{bucket index: count}`` that stores as JSON. Datadog's ``ddsketch`` package serializes through protobuf
only; this module is 60 lines and stores in a JSONField on SQLite and Postgres alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

RELATIVE_ACCURACY = 0.01
_GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
_LOG_GAMMA = math.log(_GAMMA)
# Values at or under this (a response in a microsecond or less) share bucket 0's smallest slot.
_MIN_VALUE = 1e-3


class LatencySketch:
    __slots__ = ("bins", "count")

    def __init__(self, bins: dict[int, int] | None = None) -> None:
        self.bins: dict[int, int] = dict(bins or {})
        self.count = sum(self.bins.values())

    @staticmethod
    def index(value: float) -> int:
        return math.ceil(math.log(max(value, _MIN_VALUE)) / _LOG_GAMMA)

    def add(self, value: float) -> None:
        key = self.index(value)
        self.bins[key] = self.bins.get(key, 0) + 1
        self.count += 1

    def extend(self, values: Iterable[float]) -> LatencySketch:
        for value in values:
            self.add(value)
        return self

    def merge(self, other: LatencySketch) -> LatencySketch:
        for key, n in other.bins.items():
            self.bins[key] = self.bins.get(key, 0) + n
        self.count += other.count
        return self

    def quantile(self, q: float) -> float | None:
        """The value at quantile ``q`` (0..1), within 1% of the exact one; ``None`` when empty."""
        if not self.count:
            return None
        rank = q * (self.count - 1)
        seen = 0
        for key in sorted(self.bins):
            seen += self.bins[key]
            if seen > rank:
                # The bucket (gamma^(k-1), gamma^k] is represented by the point 1% from both ends.
                return 2 * _GAMMA**key / (_GAMMA + 1)
        return 2 * _GAMMA ** max(self.bins) / (_GAMMA + 1)

    def to_json(self) -> dict[str, int]:
        return {str(key): n for key, n in self.bins.items()}

    @classmethod
    def from_json(cls, data: dict[str, int] | None) -> LatencySketch:
        return cls({int(key): int(n) for key, n in (data or {}).items()})
