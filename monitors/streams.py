"""Check results live on the ``monitor.results`` stream (see ``monitoring_site/realtime/topics.py``): one
message per recorded batch and organization, not per check, so 10,000 monitors a minute cost a few
channel-layer sends a second. The monitor list appends each result to its row's strip and figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitoring_site.realtime.events import publish
from monitors.checks import CheckOutcome
from monitors.models import Monitor

RESULTS = "monitor.results"
MAX_RESULTS = 500  # per message; a bigger batch goes out in several


def results_publish(applied: Sequence[tuple[Monitor, CheckOutcome, str]], now: datetime) -> None:
    """``applied``: (monitor, outcome, status after it) for each recorded check."""
    by_organization: dict[int, list[dict]] = {}
    for monitor, outcome, status in applied:
        by_organization.setdefault(monitor.organization_id, []).append(
            {
                "monitor_id": monitor.pk,
                "checked_at": (outcome.started_at or now).isoformat(),
                "ok": outcome.ok,
                "response_time_ms": outcome.response_time_ms,
                "status_code": outcome.status_code,
                "error": outcome.error[:200],
                "status": status,
                "uptime_24h": monitor.uptime_24h,
            }
        )
    for organization_id, results in by_organization.items():
        for start in range(0, len(results), MAX_RESULTS):
            publish(
                organization_id,
                RESULTS,
                "monitor.check_results",
                {"results": results[start : start + MAX_RESULTS]},
            )
