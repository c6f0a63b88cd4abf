"""``/metrics``: read any registered or custom metric, push custom points, list the catalog, export CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from monitoring_site.accounts.choices import Role
from monitoring_site.api.renderers import rows_to_csv
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.metrics import selectors
from monitoring_site.metrics.api.serializers import (
    MetricDescriptionSerializer,
    MetricExportSerializer,
    MetricPointsSerializer,
    MetricQuerySerializer,
    MetricSeriesSerializer,
)
from monitoring_site.metrics.services import metric_points_record


def _window(period: str, granularity: str | None) -> tuple[Any, Any, str]:
    granularity = granularity or selectors.DEFAULT_GRANULARITY[period]
    span = selectors.PERIODS[period]
    if span / selectors.GRANULARITIES[granularity] > selectors.MAX_BUCKETS:
        raise ValidationError(
            {"granularity": [f"{granularity} over {period} is too many buckets; use a coarser one."]}
        )
    end = timezone.now()
    return end - span, end, granularity


def _scope(data: dict[str, Any]) -> dict[str, Any]:
    scope: dict[str, Any] = {
        k: data[k] for k in ("agent_id", "monitor_id", "heartbeat_id", "service") if k in data
    }
    if data.get("tag"):
        scope["tags"] = dict(item.split(":", 1) for item in data["tag"])
    return scope


class MetricsView(StrictAPIView):
    body_fields = {"post": ("points",)}
    query_params = {"get": MetricQuerySerializer}

    @extend_schema(
        tags=["metrics"],
        parameters=[MetricQuerySerializer],
        responses={200: MetricSeriesSerializer},
        summary="A metric's avg, p50, p95, p99 and timeseries over a period",
    )
    def get(self, request):
        query = MetricQuerySerializer(
            data={**request.query_params.dict(), "tag": request.query_params.getlist("tag")}
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        start, end, granularity = _window(data["period"], data.get("granularity"))
        series = selectors.metric_series(
            organization_id=request_tenant(request).organization.pk,
            name=data["metric"],
            start=start,
            end=end,
            granularity=granularity,
            scope=_scope(data),
        )
        return Response(
            {**series, "period": data["period"], "granularity": granularity, "start": start, "end": end}
        )

    @extend_schema(
        tags=["metrics"],
        request=MetricPointsSerializer,
        responses={201: inline_serializer("MetricPointsAccepted", {"accepted": serializers.IntegerField()})},
        summary="Push custom metric points (all or none; bad items reported by index)",
    )
    def post(self, request):
        tenant = request_tenant(request)
        accepted = metric_points_record(organization=tenant.organization, points=request.data.get("points"))
        return Response({"accepted": accepted}, status=201)


class MetricCatalogView(StrictAPIView):
    @extend_schema(
        tags=["metrics"],
        responses={200: keyed("MetricCatalog", metrics=MetricDescriptionSerializer(many=True))},
        summary="Every metric you can query: registered by the domains, and your custom ones",
    )
    def get(self, request):
        return Response({"metrics": selectors.metric_catalog(request_tenant(request).organization.pk)})


class MetricExportView(StrictAPIView):
    body_fields = {"post": MetricExportSerializer}
    write_role = Role.VIEWER  # a POST only because the request has a body: it reads, it changes nothing

    @extend_schema(
        tags=["metrics"],
        request=MetricExportSerializer,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV rows")},
        summary="Export metrics as CSV: metric, timestamp, count, avg, min, max, p50, p95, p99",
    )
    def post(self, request):
        form = MetricExportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        start, end, granularity = _window(data["period"], data.get("granularity"))
        organization_id = request_tenant(request).organization.pk
        rows = []
        for name in data["metrics"]:
            series = selectors.metric_series(
                organization_id=organization_id, name=name, start=start, end=end, granularity=granularity
            )
            rows += [
                {"metric": name, **bucket, "timestamp": bucket["timestamp"].isoformat()}
                for bucket in series["timeseries"]
            ]
        response = HttpResponse(rows_to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="metrics.csv"'
        return response
