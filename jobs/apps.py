from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"  # the admin's section title

    def ready(self) -> None:
        from alerts import remediation
        from jobs.metrics import register_job_metrics
        from jobs.remediation import run_task

        register_job_metrics()
        remediation.register("run_task", run_task)

        from jobs.configuration import register_configuration

        register_configuration()
