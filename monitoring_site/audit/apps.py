from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "monitoring_site.audit"
    label = "audit"
    verbose_name = "Audit"
