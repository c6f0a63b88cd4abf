from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"  # the admin's section title

    def ready(self) -> None:
        from alerts.selectors import event_bodies_after
        from alerts.services.events import event_record
        from monitoring_site.events import register_recorder, register_replayer

        register_recorder(event_record)

        from alerts.prometheus import AlertsCollector
        from monitoring_site.prometheus import register_collector

        register_collector("alerts", AlertsCollector)
        register_replayer(event_bodies_after)

        from alerts.configuration import register_configuration

        register_configuration()
