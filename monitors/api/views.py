"""Monitors and incidents: thin views over ``monitors.services`` and ``monitors.selectors``."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from alerts.selectors import maintenance_in_effect
from monitoring_site.api.expiry import ExtendSerializer
from monitoring_site.api.schema import keyed
from monitoring_site.api.viewsets import ListMixin, RetrieveMixin, TenantModelViewSet, TenantViewSet
from monitors.api.serializers import (
    BulkUpdateSerializer,
    CheckResultSerializer,
    IncidentSerializer,
    MonitorLocationSerializer,
    MonitorSerializer,
    QuorumSerializer,
    UptimeResultSerializer,
    UptimeSerializer,
)
from monitors.filters import CheckResultFilter, IncidentFilter, MonitorFilter
from monitors.inputs import MonitorChanges, NewMonitor
from monitors.location_selectors import monitor_locations
from monitors.models import Incident, Monitor
from monitors.rollup_selectors import monitor_period_totals
from monitors.services import monitors as monitor_services
from monitors.services.scheduling import monitor_check_now


@extend_schema_view(
    pause=extend_schema(request=None),
    resume=extend_schema(request=None),
    extend=extend_schema(request=ExtendSerializer, summary="Push expires_at out"),
    check=extend_schema(
        request=None,
        responses={
            200: keyed(
                "CheckNow",
                status=serializers.CharField(help_text="The monitor's status after the check."),
                ok=serializers.BooleanField(),
                response_time_ms=serializers.FloatField(allow_null=True),
                status_code=serializers.IntegerField(allow_null=True),
                error=serializers.CharField(allow_null=True),
            )
        },
        summary="Run the check now",
    ),
    test=extend_schema(
        request=None,
        responses={
            200: keyed(
                "MonitorTest",
                monitor_id=serializers.IntegerField(),
                results=serializers.ListField(child=serializers.DictField(), help_text="One per channel."),
            )
        },
        summary="Send a test notification to the monitor's channels",
    ),
    uptime=extend_schema(
        parameters=[UptimeSerializer],
        responses={200: keyed("Uptime", uptime=UptimeResultSerializer())},
        summary="Uptime and response-time percentiles over 24h, 7d, 30d or 90d (from rollups)",
    ),
    logs=extend_schema(
        responses={200: CheckResultSerializer(many=True)}, summary="Raw check results (CSV too)"
    ),
    locations=extend_schema(
        responses={
            200: keyed(
                "MonitorLocations",
                locations=MonitorLocationSerializer(many=True),
                quorum=QuorumSerializer(),
            )
        },
        summary="What each location sees, with 24-hour uptime and latency percentiles per location",
    ),
    bulk=extend_schema(
        request=BulkUpdateSerializer,
        responses={200: keyed("MonitorsUpdated", monitors=MonitorSerializer(many=True))},
        summary="Apply the same changes to several monitors",
    ),
)
class MonitorViewSet(TenantModelViewSet):
    queryset = Monitor.objects.prefetch_related("notifications", "depends_on")
    serializer_class = MonitorSerializer
    envelope_singular, envelope_plural = "monitor", "monitors"
    action_fields = {"extend": ExtendSerializer, "bulk": BulkUpdateSerializer}
    filterset_class = MonitorFilter
    action_params = {"logs": CheckResultFilter, "uptime": UptimeSerializer}
    action_plurals = {"logs": "logs"}
    sort_fields = {
        "id": "id",
        "name": "name",
        "status": "status",
        "type": "type",
        "created_at": "created_at",
        "response_time": "last_response_time_ms",
        "last_checked_at": "last_checked_at",
        "uptime": "uptime_24h",
        "uptime_7d": "uptime_7d",
        "uptime_30d": "uptime_30d",
    }
    default_sort = "id"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["maintenance_windows"] = maintenance_in_effect(
                self.tenant.organization.pk, timezone.now()
            )
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        monitor, push_token = monitor_services.monitor_create(
            organization=self.tenant.organization, new=NewMonitor.of(serializer.validated_data)
        )
        context = {**self.get_serializer_context(), "push_token": push_token}  # a host's, shown this once
        return Response({"monitor": MonitorSerializer(monitor, context=context).data}, status=201)

    def perform_update(self, serializer):
        return monitor_services.monitor_update(
            monitor=serializer.instance, changes=MonitorChanges.of(serializer.validated_data)
        )

    def _fresh(self, monitor: Monitor):
        return self.envelope_one(self.get_queryset().get(pk=monitor.pk))

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._fresh(monitor_services.monitor_pause(monitor=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._fresh(monitor_services.monitor_resume(monitor=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        target = self.get_object()  # another organization's object is a 404 whatever the body says
        form = ExtendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._fresh(monitor_services.monitor_extend(monitor=target, **form.validated_data))

    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        status, outcome = monitor_check_now(monitor=self.get_object())
        return Response(
            {
                "status": status,
                "ok": outcome.ok,
                "response_time_ms": outcome.response_time_ms,
                "status_code": outcome.status_code,
                "error": outcome.error or None,
            }
        )

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        return Response(monitor_services.monitor_test(monitor=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["get"])
    def logs(self, request, pk=None):
        monitor = self.get_object()
        results = CheckResultFilter(request.query_params, queryset=monitor.results.all()).qs.order_by(
            "-checked_at"
        )
        if request.accepted_renderer.format == "csv":
            return Response(CheckResultSerializer(results[: settings.CSV_EXPORT_MAX_ROWS], many=True).data)
        return self.get_paginated_response(
            CheckResultSerializer(self.paginate_queryset(results), many=True).data
        )

    @action(detail=True, methods=["get"])
    def uptime(self, request, pk=None):
        monitor = self.get_object()
        form = UptimeSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        period = form.validated_data["period"]
        totals = monitor_period_totals(monitor, period, now=timezone.now())
        return Response(
            {
                "uptime": {
                    "monitor_id": monitor.pk,
                    "period": period,
                    "uptime_percent": totals.uptime,
                    "checks": totals.count,
                    "failures": totals.failures,
                    "response_time": {
                        "avg": totals.rt_avg,
                        "p50": totals.quantile(0.5),
                        "p95": totals.quantile(0.95),
                        "p99": totals.quantile(0.99),
                    },
                }
            }
        )

    @action(detail=True, methods=["get"])
    def locations(self, request, pk=None):
        report = monitor_locations(self.get_object(), timezone.now())
        return Response(
            {
                "locations": MonitorLocationSerializer(report["locations"], many=True).data,
                "quorum": QuorumSerializer(report["quorum"]).data,
            }
        )

    @action(detail=False, methods=["put"])
    def bulk(self, request):
        form = BulkUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        partial = MonitorSerializer(data=form.validated_data["updates"], partial=True)
        partial.is_valid(raise_exception=True)
        monitors = monitor_services.monitors_bulk_update(
            organization=self.tenant.organization,
            monitor_ids=form.validated_data["monitor_ids"],
            changes=MonitorChanges.of(partial.validated_data),
        )
        fresh = self.get_queryset().filter(pk__in=[m.pk for m in monitors])
        return Response({"monitors": self.get_serializer(fresh, many=True).data})


class IncidentViewSet(ListMixin, RetrieveMixin, TenantViewSet):
    queryset = Incident.objects.select_related("monitor", "heartbeat")
    serializer_class = IncidentSerializer
    envelope_singular, envelope_plural = "incident", "incidents"
    filterset_class = IncidentFilter
    sort_fields = ["id", "started_at", "resolved_at", "status"]
    default_sort = "-started_at"
