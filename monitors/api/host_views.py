"""``POST /monitors/{id}/stats``: a host reports its stats with the monitor's push token (no user, no key)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from monitoring_site.accounts.authentication import bearer_token
from monitoring_site.api.strict import StrictAPIView
from monitors.services.host_stats import host_monitor_for_token, host_stats_record

HostStatsSerializer = inline_serializer(
    "HostStats",
    {
        "cpu": serializers.FloatField(required=False),
        "mem": serializers.FloatField(required=False),
        "cache": serializers.FloatField(required=False),
        "disk": serializers.ListField(child=serializers.DictField(), required=False),
    },
)


class HostStatsView(StrictAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="host-stats"'

    @extend_schema(
        tags=["monitors"],
        request=HostStatsSerializer,
        auth=[],
        responses={201: inline_serializer("HostStatsAccepted", {"status": serializers.CharField()})},
        summary="Push host stats (Authorization: Bearer <the monitor's push token>)",
    )
    def post(self, request, pk: int):
        monitor = host_monitor_for_token(monitor_id=pk, token=bearer_token(request) or "")
        if monitor is None:
            raise AuthenticationFailed("Unknown host monitor or wrong push token.")
        host_stats_record(monitor=monitor, data=request.data if isinstance(request.data, dict) else {})
        monitor.refresh_from_db(fields=["status"])
        return Response({"status": monitor.status}, status=201)
