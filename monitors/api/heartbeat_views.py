"""Heartbeats over the API: thin views over ``monitors.services.heartbeats``. The pings themselves arrive
on the ping path (``monitors.ping``), not here."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring_site.api.viewsets import TenantModelViewSet
from monitors.api.heartbeat_serializers import HeartbeatPingSerializer, HeartbeatSerializer
from monitors.filters import HeartbeatFilter, HeartbeatPingFilter
from monitors.inputs import HeartbeatChanges, NewHeartbeat
from monitors.models import Heartbeat
from monitors.services import heartbeats as heartbeat_services


@extend_schema_view(
    pause=extend_schema(request=None),
    resume=extend_schema(request=None),
    regenerate_token=extend_schema(request=None, summary="A new ping URL; the old one stops working"),
    pings=extend_schema(
        responses={200: HeartbeatPingSerializer(many=True)}, summary="Ping history with bodies (CSV too)"
    ),
)
class HeartbeatViewSet(TenantModelViewSet):
    queryset = Heartbeat.objects.prefetch_related("notifications", "depends_on")
    serializer_class = HeartbeatSerializer
    envelope_singular, envelope_plural = "heartbeat", "heartbeats"
    filterset_class = HeartbeatFilter
    action_params = {"pings": HeartbeatPingFilter}
    action_plurals = {"pings": "pings"}
    sort_fields = {
        "id": "id",
        "name": "name",
        "status": "status",
        "created_at": "created_at",
        "last_ping_at": "last_ping_at",
        "next_expected_at": "late_at",
    }
    default_sort = "id"

    def perform_create(self, serializer):
        return heartbeat_services.heartbeat_create(
            organization=self.tenant.organization, new=NewHeartbeat.of(serializer.validated_data)
        )

    def perform_update(self, serializer):
        return heartbeat_services.heartbeat_update(
            heartbeat=serializer.instance, changes=HeartbeatChanges.of(serializer.validated_data)
        )

    def _fresh(self, heartbeat: Heartbeat):
        return self.envelope_one(self.get_queryset().get(pk=heartbeat.pk))

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._fresh(heartbeat_services.heartbeat_pause(heartbeat=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._fresh(
            heartbeat_services.heartbeat_resume(heartbeat=self.get_object(), by=self.tenant.by)
        )

    @action(detail=True, methods=["post"], url_path="regenerate-token")
    def regenerate_token(self, request, pk=None):
        return self._fresh(heartbeat_services.heartbeat_regenerate_token(heartbeat=self.get_object()))

    @action(detail=True, methods=["get"])
    def pings(self, request, pk=None):
        heartbeat = self.get_object()
        pings = HeartbeatPingFilter(request.query_params, queryset=heartbeat.pings.all()).qs
        pings = pings.order_by("-received_at", "-id")
        if request.accepted_renderer.format == "csv":
            return Response(HeartbeatPingSerializer(pings[: settings.CSV_EXPORT_MAX_ROWS], many=True).data)
        return self.get_paginated_response(
            HeartbeatPingSerializer(self.paginate_queryset(pings), many=True).data
        )
