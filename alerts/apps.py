from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Notification channels, alert rules, the alert lifecycle, webhooks and maintenance windows"
