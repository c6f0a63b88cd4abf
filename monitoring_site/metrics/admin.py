from django.contrib import admin

from monitoring_site.admin_services import ServiceOwnedAdmin
from monitoring_site.metrics.models import MetricPoint


@admin.register(MetricPoint)
class MetricPointAdmin(ServiceOwnedAdmin):
    list_display = ["name", "value", "organization", "timestamp"]
    list_filter = ["organization"]
    search_fields = ["name"]
    date_hierarchy = "timestamp"
