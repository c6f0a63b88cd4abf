"""The monitors domain's Prometheus collector (``monitoring_site/prometheus.py`` serves ``GET /metrics``):
monitors, their locations, heartbeats and open incidents, read from the state columns and a few grouped
counts, so a scrape costs the same whatever the history."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitors.choices import HeartbeatStatus, IncidentStatus, MonitorStatus
from monitors.models import Heartbeat, Incident, Monitor, MonitorLocation

TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
UP: dict[str, float] = {MonitorStatus.UP: 1.0, MonitorStatus.DOWN: 0.0}
HEARTBEAT_UP: dict[str, float] = {
    HeartbeatStatus.UP: 1.0,
    HeartbeatStatus.STARTED: 1.0,
    HeartbeatStatus.LATE: 1.0,
    HeartbeatStatus.DOWN: 0.0,
}


class MonitorsCollector(Collector):
    def __init__(self, organizations: dict[int, str]) -> None:
        self.organizations = organizations

    def collect(self) -> Iterator[Metric]:
        ids = list(self.organizations)
        labels = ["organization", "monitor_id", "name", "type"]
        up = GaugeMetricFamily(
            "monitoring_monitor_up", "1 when the monitor is up, 0 when down.", labels=labels
        )
        response = GaugeMetricFamily(
            "monitoring_monitor_response_time_ms", "Response time of the last check.", labels=labels
        )
        uptime = GaugeMetricFamily(
            "monitoring_monitor_uptime_ratio", "Share of passed checks.", labels=[*labels, "period"]
        )
        cert = GaugeMetricFamily(
            "monitoring_monitor_cert_days_left", "Days until the TLS certificate expires.", labels=labels
        )
        fields = [
            "pk",
            "organization_id",
            "name",
            "type",
            "status",
            "last_response_time_ms",
            "cert_days_left",
        ]
        periods = ["uptime_24h", "uptime_7d", "uptime_30d"]
        for row in Monitor.objects.filter(organization_id__in=ids).values_list(*fields, *periods).iterator():
            pk, org, name, kind, status, rt, cert_days = row[:7]
            values = [self.organizations[org], str(pk), name, kind]
            if status in UP:
                up.add_metric(values, UP[status])
            if rt is not None:
                response.add_metric(values, rt)
            if cert_days is not None:
                cert.add_metric(values, cert_days)
            for period, figure in zip(("24h", "7d", "30d"), row[7:], strict=True):
                if figure is not None:
                    uptime.add_metric([*values, period], figure / 100)
        yield from (up, response, uptime, cert)
        yield from self._locations(ids)

    def _locations(self, ids: list[int]) -> Iterator[Metric]:
        """Per location, for every location of every monitor (``local`` included): its own view."""
        labels = ["organization", "monitor_id", "name", "location"]
        up = GaugeMetricFamily(
            "monitoring_monitor_location_up",
            "1 when the location sees the monitor up, 0 when down.",
            labels=labels,
        )
        response = GaugeMetricFamily(
            "monitoring_monitor_location_response_time_ms",
            "Response time of the location's last check.",
            labels=labels,
        )
        fields = ["monitor_id", "monitor__organization_id", "monitor__name", "location", "status"]
        rows = MonitorLocation.objects.filter(monitor__organization_id__in=ids).order_by(
            "monitor_id", "location"
        )
        for pk, org, name, location, status, rt in rows.values_list(
            *fields, "last_response_time_ms"
        ).iterator():
            values = [self.organizations[org], str(pk), name, location]
            if status in UP:
                up.add_metric(values, UP[status])
            if rt is not None:
                response.add_metric(values, rt)
        yield from (up, response)

        labels = ["organization", "heartbeat_id", "name"]
        beat_up = GaugeMetricFamily(
            "monitoring_heartbeat_up",
            "1 when the heartbeat is up, running or late; 0 when down.",
            labels=labels,
        )
        age = GaugeMetricFamily(
            "monitoring_heartbeat_last_ping_age_seconds", "Seconds since the last ping.", labels=labels
        )
        now = timezone.now()
        beats = Heartbeat.objects.filter(organization_id__in=ids).values_list(
            "pk", "organization_id", "name", "status", "last_ping_at"
        )
        for pk, org, name, status, last_ping in beats.iterator():
            values = [self.organizations[org], str(pk), name]
            if status in HEARTBEAT_UP:
                beat_up.add_metric(values, HEARTBEAT_UP[status])
            if last_ping is not None:
                age.add_metric(values, (now - last_ping).total_seconds())
        yield from (beat_up, age)

        incidents = GaugeMetricFamily(
            "monitoring_open_incidents", "Open incidents.", labels=["organization", "source_type"]
        )
        counts = (
            Incident.objects.filter(organization_id__in=ids, status=IncidentStatus.OPEN)
            .values_list("organization_id", "source_type")
            .annotate(n=Count("id"))
            .order_by()
        )
        for org, source, n in counts:
            incidents.add_metric([self.organizations[org], source], n)
        yield incidents
