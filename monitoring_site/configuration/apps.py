from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "monitoring_site.configuration"
    label = "configuration"
    verbose_name = "Configuration as code"
