from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Notification channels, alert rules, the alert lifecycle, webhooks and maintenance windows"

    def ready(self) -> None:
        from alerts.services.events import event_record
        from monitoring_site.events import register_recorder

        register_recorder(event_record)

        from alerts.configuration import register_configuration

        register_configuration()
