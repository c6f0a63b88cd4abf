from django.contrib import admin

from monitoring_site.admin_services import ServiceOwnedAdmin
from monitoring_site.configuration.models import ConfigKey


@admin.register(ConfigKey)
class ConfigKeyAdmin(ServiceOwnedAdmin):
    """Which object each configuration-file key names (``GET /config/export``)."""

    list_display = ["organization", "kind", "key", "object_id"]
    list_filter = ["kind", "organization"]
    search_fields = ["key"]
