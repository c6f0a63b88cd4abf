from monitoring_site.api.routers import ApiRouter
from monitors.api.views import IncidentViewSet, MonitorViewSet

router = ApiRouter()
router.register("monitors", MonitorViewSet, basename="monitor")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = router.urls
