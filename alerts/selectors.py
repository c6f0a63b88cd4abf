"""Read queries of the alerts domain."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet

from alerts.choices import Severity
from alerts.models import Alert, MaintenanceWindow


def maintenance_in_effect(
    *, organization_id: int, subject_type: str, subject_id: int | None, at: datetime
) -> bool:
    windows = MaintenanceWindow.objects.filter(organization_id=organization_id, is_active=True)
    return any(w.is_in_effect(at) and w.covers(subject_type, subject_id) for w in windows)


def alert_summary(alerts: QuerySet[Alert]) -> dict[str, int]:
    counts = dict(alerts.order_by().values_list("severity").annotate(n=Count("id")))
    return {severity: counts.get(severity, 0) for severity in Severity.values}
