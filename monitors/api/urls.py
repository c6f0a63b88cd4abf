from django.urls import path

from monitoring_site.api.routers import ApiRouter
from monitors.api.heartbeat_views import HeartbeatViewSet
from monitors.api.host_views import HostStatsView
from monitors.api.status_page_views import PublicStatusPageView, StatusPageViewSet
from monitors.api.views import IncidentViewSet, MonitorViewSet

router = ApiRouter()
router.register("monitors", MonitorViewSet, basename="monitor")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("heartbeats", HeartbeatViewSet, basename="heartbeat")
router.register("status-pages", StatusPageViewSet, basename="status-page")

urlpatterns = [
    path("monitors/<int:pk>/stats", HostStatsView.as_view(), name="monitor-stats"),
    path("public/status-pages/<slug:slug>", PublicStatusPageView.as_view(), name="public-status-page"),
    *router.urls,
]
