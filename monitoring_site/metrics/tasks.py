from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring_site.metrics.models import MetricPoint
from monitoring_site.retention import delete_older_than


@shared_task(name="metrics.prune_points")
def prune_points_task() -> int:
    """Daily: custom metric points older than METRIC_RETENTION_DAYS."""
    return delete_older_than(
        MetricPoint, "timestamp", timezone.now() - timedelta(days=settings.METRIC_RETENTION_DAYS)
    )
