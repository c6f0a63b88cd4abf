from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "monitoring_site.metrics"
    label = "metrics"
    verbose_name = "Metrics"
