from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from alerts.models import Delivery, Event
from alerts.services.events import event_fan_out
from alerts.services.webhooks import webhook_create
from alerts.tasks import prune_events_task
from monitoring_site.metrics.models import MetricPoint
from monitoring_site.metrics.tasks import prune_points_task
from monitoring_site.retention import delete_older_than


@override_settings(EVENT_RETENTION_DAYS=30, METRIC_RETENTION_DAYS=90)
def test_old_events_deliveries_and_points_are_pruned(acme):
    webhook_create(organization=acme, url="https://x.example/h", events=["*"])
    now = timezone.now()
    for age in (1, 31, 40):
        event = Event.objects.create(
            organization=acme, name="monitor.down", body={}, occurred_at=now - timedelta(days=age)
        )
        event_fan_out(event_id=str(event.pk))
    MetricPoint.objects.bulk_create(
        [
            MetricPoint(organization=acme, name="m", value=1, timestamp=now - timedelta(days=d))
            for d in (1, 100)
        ]
    )
    assert prune_events_task() == 2 and prune_points_task() == 1
    assert Event.objects.count() == 1 and Delivery.objects.count() == 1 and MetricPoint.objects.count() == 1


def test_delete_in_batches(acme):
    now = timezone.now()
    MetricPoint.objects.bulk_create(
        [
            MetricPoint(organization=acme, name="m", value=i, timestamp=now - timedelta(days=9))
            for i in range(25)
        ]
    )
    assert delete_older_than(MetricPoint, "timestamp", now, batch=10) == 25
