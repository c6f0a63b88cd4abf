from django.apps import AppConfig


class MonitorsConfig(AppConfig):
    name = "monitors"
    verbose_name = "Active checks, host stats, heartbeats, incidents, status pages and badges"

    def ready(self) -> None:
        from monitors.metrics import register_monitor_metrics

        register_monitor_metrics()

        from monitors.configuration import register_configuration

        register_configuration()
