"""Server-side chart geometry for the dashboard's inline SVG (no chart library, no CDN): the templates draw
what these functions compute from rollup series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitors.services.rollups import Totals


def _points(values: list[float | None], width: float, height: float, top: float) -> str:
    """An SVG polyline's ``points``: x spread over ``width``, y scaled so ``top`` is the upper edge."""
    if len(values) < 2 or top <= 0:
        return ""
    step = width / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - (v / top) * height:.1f}" for i, v in enumerate(values) if v is not None
    )


def _filled(series: list[tuple[datetime, Totals]], start: datetime, step: timedelta, n: int) -> list:
    """One entry per bucket from ``start``, ``None`` where there were no checks."""
    by_time = dict(series)
    return [by_time.get(start + i * step) for i in range(n)]


@dataclass
class ResponseChart:
    avg: str
    p95: str
    top_ms: float
    width: int
    height: int
    first: datetime
    last: datetime


def response_chart(
    series: list[tuple[datetime, Totals]], start: datetime, step: timedelta, n: int, width=720, height=160
) -> ResponseChart | None:
    buckets = _filled(series, start, step, n)
    avg = [t.rt_avg if t else None for t in buckets]
    p95 = [t.quantile(0.95) if t else None for t in buckets]
    present = [v for v in avg + p95 if v is not None]
    if not present:
        return None
    top = max(present) * 1.1
    return ResponseChart(
        _points(avg, width, height, top),
        _points(p95, width, height, top),
        round(top),
        width,
        height,
        start,
        start + (n - 1) * step,
    )


@dataclass
class Bar:
    day: datetime
    x: float
    uptime: float | None
    checks: int

    @property
    def level(self) -> str:
        """A colour class: no data, all good, a little down, or a bad day."""
        if self.uptime is None:
            return "none"
        if self.uptime >= 99.9:
            return "good"
        return "degraded" if self.uptime >= 95 else "bad"


def uptime_bars(series: list[tuple[datetime, Totals]], start: datetime, days: int, width=720) -> list[Bar]:
    step = width / days
    return [
        Bar(start + timedelta(days=i), round(i * step, 1), t.uptime if t else None, t.count if t else 0)
        for i, t in enumerate(_filled(series, start, timedelta(days=1), days))
    ]
