from django.apps import AppConfig


class MonitorsConfig(AppConfig):
    name = "monitors"
    verbose_name = "Monitors"  # the admin's section title

    def ready(self) -> None:
        from monitors.metrics import register_monitor_metrics

        register_monitor_metrics()

        from monitoring_site.prometheus import register_collector
        from monitors.prometheus import MonitorsCollector

        register_collector("monitors", MonitorsCollector)

        from monitors.configuration import register_configuration

        register_configuration()
