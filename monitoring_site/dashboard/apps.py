from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "monitoring_site.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
