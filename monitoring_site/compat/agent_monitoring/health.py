"""``GET /health``: the native health, with components as the document's list."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.response import Response

from monitoring_site.compat.agent_monitoring.base import (
    HEALTH,
    MonitoringView,
)
from monitoring_site.compat.base import iso
from monitoring_site.health import platform_health


class HealthView(MonitoringView):
    def get(self, request):
        health = platform_health()
        components = [
            {"name": name, **part, "status": "healthy" if part["status"] == "ok" else "unhealthy"}
            for name, part in health["components"].items()
        ]
        status = HEALTH[health["status"]]
        return Response(
            {
                "status": status,
                "timestamp": iso(timezone.now()),
                "components": components,
                "version": health["version"],
            },
            status=503 if status == "unhealthy" else 200,
        )
