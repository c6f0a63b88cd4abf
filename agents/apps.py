from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "AI agents"  # the admin's section title

    def ready(self) -> None:
        from agents.metrics import register_agent_metrics
        from agents.remediation import restart
        from agents.service_metrics import register_service_metrics
        from agents.services.agents import TOKEN_PREFIX
        from agents.streams import device_auth
        from alerts import remediation
        from monitoring_site.realtime.auth import register_device_auth

        register_agent_metrics()
        register_service_metrics()
        remediation.register("restart", restart)
        register_device_auth(TOKEN_PREFIX, device_auth)

        from agents.configuration import register_configuration

        register_configuration()
