from django.contrib import admin

from monitoring_site.actors import Actor
from monitoring_site.admin_actions import apply_each
from monitoring_site.admin_services import ServiceOwnedAdmin, ServiceOwnedInline
from monitors.models import (
    CheckResult,
    CheckRollup,
    Heartbeat,
    HeartbeatPing,
    Incident,
    Monitor,
    StatusChange,
    StatusPage,
    StatusPageComponent,
    StatusPageUpdate,
)
from monitors.services import heartbeats as heartbeat_services
from monitors.services import monitors as monitor_services
from monitors.services.scheduling import monitor_check_now
from monitors.services.status_pages import status_page_delete


@admin.register(Monitor)
class MonitorAdmin(ServiceOwnedAdmin):
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

    def delete_one(self, obj):
        monitor_services.monitor_delete(monitor=obj)

    @admin.action(description="Pause the selected monitors")
    def pause(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda m: monitor_services.monitor_pause(monitor=m, by=Actor.of_admin(request.user)),
            "Paused",
        )

    @admin.action(description="Resume the selected monitors")
    def resume(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda m: monitor_services.monitor_resume(monitor=m, by=Actor.of_admin(request.user)),
            "Resumed",
        )

    @admin.action(description="Check the selected monitors now")
    def check_now(self, request, queryset):
        apply_each(self, request, queryset, lambda m: monitor_check_now(monitor=m), "Checked")


@admin.register(Incident)
class IncidentAdmin(ServiceOwnedAdmin):
    list_display = [
        "source_type",
        "monitor",
        "heartbeat",
        "organization",
        "status",
        "cause",
        "started_at",
        "resolved_at",
        "error_message",
    ]
    list_filter = ["status", "source_type", "cause", "organization"]
    search_fields = ["monitor__name", "heartbeat__name", "error_message"]
    date_hierarchy = "started_at"


@admin.register(CheckResult)
class CheckResultAdmin(ServiceOwnedAdmin):
    list_display = ["monitor", "checked_at", "ok", "response_time_ms", "status_code", "error"]
    list_filter = ["ok"]
    search_fields = ["monitor__name", "error"]
    date_hierarchy = "checked_at"


@admin.register(StatusChange)
class StatusChangeAdmin(ServiceOwnedAdmin):
    list_display = ["monitor", "from_status", "to_status", "at", "reason"]
    list_filter = ["to_status"]
    search_fields = ["monitor__name", "reason"]


@admin.register(CheckRollup)
class CheckRollupAdmin(ServiceOwnedAdmin):
    list_display = [
        "monitor",
        "resolution",
        "bucket_start",
        "count",
        "failures",
        "rt_avg",
        "rt_p95",
        "rt_p99",
    ]
    list_filter = ["resolution"]
    search_fields = ["monitor__name"]
    date_hierarchy = "bucket_start"
    exclude = ["sketch"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ServiceOwnedAdmin):
    list_display = ["name", "organization", "status", "run_interval", "cron", "last_ping_at", "late_at"]
    list_filter = ["status", "is_paused", "organization"]
    search_fields = ["name"]
    readonly_fields = [
        "status",
        "last_ping_at",
        "last_start_at",
        "last_duration",
        "late_at",
        "down_at",
        "created_at",
        "updated_at",
    ]
    actions = ["pause", "resume", "regenerate_token"]

    def delete_one(self, obj):
        heartbeat_services.heartbeat_delete(heartbeat=obj)

    @admin.action(description="Pause the selected heartbeats")
    def pause(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda h: heartbeat_services.heartbeat_pause(heartbeat=h, by=Actor.of_admin(request.user)),
            "Paused",
        )

    @admin.action(description="Resume the selected heartbeats")
    def resume(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda h: heartbeat_services.heartbeat_resume(heartbeat=h, by=Actor.of_admin(request.user)),
            "Resumed",
        )

    @admin.action(description="Give the selected heartbeats new ping URLs")
    def regenerate_token(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda h: heartbeat_services.heartbeat_regenerate_token(heartbeat=h),
            "New ping URL for",
        )


@admin.register(HeartbeatPing)
class HeartbeatPingAdmin(ServiceOwnedAdmin):
    list_display = ["heartbeat", "received_at", "kind", "exit_status", "duration", "remote_addr"]
    list_filter = ["kind"]
    search_fields = ["heartbeat__name", "body"]
    date_hierarchy = "received_at"


class StatusPageComponentInline(ServiceOwnedInline):
    model = StatusPageComponent
    raw_id_fields = ["monitor", "heartbeat"]


class StatusPageUpdateInline(ServiceOwnedInline):
    model = StatusPageUpdate
    readonly_fields = ["incident_status", "message", "author", "created_at"]


@admin.register(StatusPage)
class StatusPageAdmin(ServiceOwnedAdmin):
    list_display = ["name", "slug", "organization", "is_public", "incident_status", "updated_at"]
    list_filter = ["is_public", "incident_status", "organization"]
    search_fields = ["name", "slug"]
    inlines = [StatusPageComponentInline, StatusPageUpdateInline]

    def delete_one(self, obj):
        status_page_delete(page=obj)
