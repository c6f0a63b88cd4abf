"""The 90-day uptime bars, drawn server-side as inline SVG from the daily rollups (the response-time chart
is uPlot, in ``static/monitors/response_chart.js``, over ``detail_selectors.response_series``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitors.rollup_selectors import Totals


def _filled(series: list[tuple[datetime, Totals]], start: datetime, step: timedelta, n: int) -> list:
    """One entry per bucket from ``start``, ``None`` where there were no checks."""
    by_time = dict(series)
    return [by_time.get(start + i * step) for i in range(n)]


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
