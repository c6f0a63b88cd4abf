"""Read queries of the alerts domain."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from alerts.choices import Severity
from alerts.models import Alert


def alert_summary(alerts: QuerySet[Alert]) -> dict[str, int]:
    counts = dict(alerts.order_by().values_list("severity").annotate(n=Count("id")))
    return {severity: counts.get(severity, 0) for severity in Severity.values}
