"""Read queries of the alerts domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from alerts.choices import Severity
from alerts.models import Alert, Event


def alert_summary(alerts: QuerySet[Alert]) -> dict[str, int]:
    counts = dict(alerts.order_by().values_list("severity").annotate(n=Count("id")))
    return {severity: counts.get(severity, 0) for severity in Severity.values}


def event_bodies_after(
    organization_id: int, names: Iterable[str], after: datetime, limit: int
) -> list[dict[str, Any]]:
    """The outbox's record of the organization's events named ``names`` that occurred after ``after``: the
    latest ``limit`` of them, oldest first (what a WebSocket subscriber that reconnects has missed)."""
    rows = (
        Event.objects.filter(organization_id=organization_id, name__in=list(names), occurred_at__gt=after)
        .order_by("-occurred_at")
        .values_list("body", flat=True)[:limit]
    )
    return list(reversed(rows))
