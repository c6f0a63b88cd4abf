from django.contrib import admin

from monitoring_site.admin_services import ServiceOwnedAdmin
from monitoring_site.audit.models import PauseRecord


@admin.register(PauseRecord)
class PauseRecordAdmin(ServiceOwnedAdmin):
    list_display = ["subject_type", "subject_id", "action", "actor", "organization", "at"]
    list_filter = ["subject_type", "action", "organization"]
    search_fields = ["actor"]
    date_hierarchy = "at"
