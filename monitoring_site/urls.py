from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

from monitoring_site.api.errors import api_not_found
from monitoring_site.dashboard.forms import RateLimitedAdminAuthenticationForm
from monitoring_site.prometheus import prometheus_metrics
from monitors.badges import badge
from monitors.status_views import status_page_public

# The admin's login is held to the API login's limits (per address, and the username lockout).
admin.site.login_form = RateLimitedAdminAuthenticationForm

urlpatterns = [
    path("api/v1/", include("monitoring_site.api_urls")),
    # OTLP/HTTP receivers at the paths exporters append to their endpoint (docs/opentelemetry.md).
    path("", include("agents.otlp.urls")),
    # The split view serves Swagger UI's start-up script as a file, not inline (Content-Security-Policy).
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # The uptime API document (001) names its endpoints /api/...: the same API answers there too.
    path("api/", include("monitoring_site.api_urls")),
    re_path(r"^api/", api_not_found),
    # Compatibility surfaces of the reference documents (monitoring_site/compat, docs/compatibility.md).
    path("evertask-monitoring/api/", include("monitoring_site.compat.evertask")),
    path("monitoring/", include("monitoring_site.compat.spoonos")),
    path("metrics", prometheus_metrics, name="prometheus-metrics"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("monitoring_site/favicon.svg"), permanent=True)),
    path("status/<slug:slug>", status_page_public, name="status-public"),
    re_path(r"^badge/(?P<key>[^/]+)\.(?P<fmt>svg|json)$", badge, name="badge"),
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("monitors/", include("monitors.urls")),
    path("jobs/", include("jobs.urls")),
    path("agents/", include("agents.urls")),
    path("", include("monitoring_site.compat.theeye")),
    path("", include("monitoring_site.dashboard.urls")),
]

handler404 = "monitoring_site.dashboard.error_views.not_found"
handler500 = "monitoring_site.dashboard.error_views.server_error"
