"""``/api/v1``: every domain mounts its API here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from monitoring_site.api.meta_views import ConfigView, HealthView
from monitoring_site.configuration.views import ConfigApplyView, ConfigExportView

urlpatterns = [
    # reference 003's own paths and shapes (monitoring_site/compat/agent_monitoring/)
    path("monitoring/", include("monitoring_site.compat.agent_monitoring")),
    path("config", ConfigView.as_view(), name="config"),
    path("config/export", ConfigExportView.as_view(), name="config-export"),
    path("config/apply", ConfigApplyView.as_view(), name="config-apply"),
    path("health", HealthView.as_view(), name="health"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("", include("monitoring_site.accounts.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("monitors.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("agents.api.urls")),
    path("", include("monitoring_site.metrics.api.urls")),
]
