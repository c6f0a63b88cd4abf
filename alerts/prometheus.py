"""The alerts domain's Prometheus collector: open alerts by severity and status."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from alerts.selectors import alerts_open


class AlertsCollector(Collector):
    def __init__(self, organizations: dict[int, str]) -> None:
        self.organizations = organizations

    def collect(self) -> Iterator[Metric]:
        ids = list(self.organizations)
        alerts = GaugeMetricFamily(
            "monitoring_open_alerts",
            "Active and acknowledged alerts.",
            labels=["organization", "severity", "status"],
        )
        open_alerts = (
            alerts_open(ids)
            .values_list("organization_id", "severity", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for org, severity, status, n in open_alerts:
            alerts.add_metric([self.organizations[org], severity, status], n)
        yield alerts
