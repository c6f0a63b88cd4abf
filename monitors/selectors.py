"""Read queries of the monitors domain."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from monitors.models import Monitor


def monitors_with_uptime(queryset: QuerySet[Monitor]) -> QuerySet[Monitor]:
    """Annotate ``checks_24h`` and ``ok_24h`` from the raw results of the last day (one aggregate query).

    Rollups (minute/hour/day) are to replace this for 7/30/90-day figures; see the Monitors issue notes.
    """
    since = timezone.now() - timedelta(hours=24)
    recent = Q(results__checked_at__gte=since)
    return queryset.annotate(
        checks_24h=Count("results", filter=recent),
        ok_24h=Count("results", filter=recent & Q(results__ok=True)),
    )
