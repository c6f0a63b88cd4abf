from django.urls import path

from monitoring_site.metrics.api.views import MetricCatalogView, MetricExportView, MetricsView

urlpatterns = [
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("metrics/catalog", MetricCatalogView.as_view(), name="metrics-catalog"),
    path("metrics/export", MetricExportView.as_view(), name="metrics-export"),
]
