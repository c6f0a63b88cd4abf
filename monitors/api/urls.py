from django.urls import path

from monitoring_site.api.routers import ApiRouter
from monitors.api.heartbeat_views import HeartbeatViewSet
from monitors.api.host_views import HostStatsView
from monitors.api.views import IncidentViewSet, MonitorViewSet

router = ApiRouter()
router.register("monitors", MonitorViewSet, basename="monitor")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("heartbeats", HeartbeatViewSet, basename="heartbeat")

urlpatterns = [path("monitors/<int:pk>/stats", HostStatsView.as_view(), name="monitor-stats"), *router.urls]
