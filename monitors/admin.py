from django.contrib import admin

from monitoring_site.admin_actions import apply_each
from monitors.models import CheckResult, Incident, Monitor, StatusChange
from monitors.services import monitors as monitor_services
from monitors.services.scheduling import monitor_check_now


@admin.register(Monitor)
class MonitorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "type",
        "target",
        "organization",
        "status",
        "last_response_time_ms",
        "last_checked_at",
        "is_paused",
    ]
    list_filter = ["status", "type", "is_paused", "is_enabled", "organization"]
    search_fields = ["name", "target"]
    filter_horizontal = ["notifications", "depends_on"]
    readonly_fields = [
        "status",
        "consecutive_failures",
        "last_checked_at",
        "last_response_time_ms",
        "last_error",
        "cert_days_left",
        "next_check_at",
        "created_at",
        "updated_at",
    ]
    actions = ["pause", "resume", "check_now"]

    @admin.action(description="Pause the selected monitors")
    def pause(self, request, queryset):
        apply_each(self, request, queryset, lambda m: monitor_services.monitor_pause(monitor=m), "Paused")

    @admin.action(description="Resume the selected monitors")
    def resume(self, request, queryset):
        apply_each(self, request, queryset, lambda m: monitor_services.monitor_resume(monitor=m), "Resumed")

    @admin.action(description="Check the selected monitors now")
    def check_now(self, request, queryset):
        apply_each(self, request, queryset, lambda m: monitor_check_now(monitor=m), "Checked")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "monitor",
        "organization",
        "status",
        "cause",
        "started_at",
        "resolved_at",
        "error_message",
    ]
    list_filter = ["status", "cause", "organization"]
    search_fields = ["monitor__name", "error_message"]
    date_hierarchy = "started_at"


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ["monitor", "checked_at", "ok", "response_time_ms", "status_code", "error"]
    list_filter = ["ok"]
    search_fields = ["monitor__name", "error"]
    date_hierarchy = "checked_at"


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["monitor", "from_status", "to_status", "at", "reason"]
    list_filter = ["to_status"]
    search_fields = ["monitor__name", "reason"]
