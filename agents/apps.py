from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "The AI-agent fleet: heartbeats, telemetry, cost, controls and logs"

    def ready(self) -> None:
        from agents.metrics import register_agent_metrics
        from agents.remediation import restart
        from alerts import remediation

        register_agent_metrics()
        remediation.register("restart", restart)
