from django.contrib import admin, messages

from alerts.models import (
    Alert,
    AlertRule,
    Delivery,
    DeliveryAttempt,
    Event,
    MaintenanceWindow,
    NotificationChannel,
    Webhook,
)
from alerts.services import alerts as alert_services
from alerts.services import channels as channel_services
from alerts.services import rules as rule_services
from monitoring_site.actors import Actor
from monitoring_site.admin_actions import apply_each
from monitoring_site.admin_services import ServiceOwnedAdmin, ServiceOwnedInline


@admin.register(NotificationChannel)
class NotificationChannelAdmin(ServiceOwnedAdmin):
    list_display = ["name", "kind", "organization", "is_enabled", "disabled_reason", "last_delivery_at"]
    list_filter = ["kind", "is_enabled", "organization"]
    search_fields = ["name", "disabled_reason"]
    readonly_fields = ["disabled_at", "last_delivery_at", "created_at"]
    actions = ["send_test"]

    @admin.action(description="Send a test notification")
    def send_test(self, request, queryset):
        for channel in queryset:
            result = channel_services.channel_test(channel=channel, by=request.user.get_username())
            level = messages.SUCCESS if result["delivered"] else messages.ERROR
            self.message_user(
                request, f"{channel.name}: {'delivered' if result['delivered'] else result['error']}", level
            )


@admin.register(Webhook)
class WebhookAdmin(ServiceOwnedAdmin):
    list_display = [
        "url",
        "organization",
        "is_active",
        "consecutive_failures",
        "disabled_reason",
        "last_delivery_at",
    ]
    list_filter = ["is_active", "organization"]
    search_fields = ["url", "description"]
    exclude = ["secret"]
    readonly_fields = ["consecutive_failures", "last_delivery_at", "created_at"]


class DeliveryAttemptInline(ServiceOwnedInline):
    model = DeliveryAttempt
    readonly_fields = ["attempted_at", "status_code", "duration_ms", "error"]


@admin.register(Event)
class EventAdmin(ServiceOwnedAdmin):
    list_display = [
        "name",
        "organization",
        "subject_type",
        "subject_id",
        "occurred_at",
        "fanned_out_at",
        "in_maintenance",
    ]
    list_filter = ["name", "in_maintenance", "organization"]
    search_fields = ["id", "name"]
    readonly_fields = [f.name for f in Event._meta.fields]
    date_hierarchy = "occurred_at"


@admin.register(Delivery)
class DeliveryAdmin(ServiceOwnedAdmin):
    list_display = [
        "event",
        "target_key",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "target_type"]
    search_fields = ["target_key", "event__id", "last_error"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [DeliveryAttemptInline]


@admin.register(AlertRule)
class AlertRuleAdmin(ServiceOwnedAdmin):
    list_display = [
        "name",
        "organization",
        "metric",
        "operator",
        "threshold",
        "severity",
        "is_paused",
        "expires_at",
        "last_value",
        "last_evaluated_at",
    ]
    list_filter = ["severity", "is_paused", "organization"]
    search_fields = ["name", "metric"]
    readonly_fields = [
        "next_check_at",
        "condition_since",
        "last_evaluated_at",
        "last_value",
        "created_at",
        "updated_at",
    ]
    actions = ["pause", "resume"]

    def delete_one(self, obj):
        rule_services.rule_delete(rule=obj)

    @admin.action(description="Pause the selected rules")
    def pause(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.filter(is_paused=False),
            lambda r: rule_services.rule_pause(rule=r, by=Actor.of_admin(request.user)),
            "Paused",
        )

    @admin.action(description="Resume the selected rules")
    def resume(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.filter(is_paused=True),
            lambda r: rule_services.rule_resume(rule=r, by=Actor.of_admin(request.user)),
            "Resumed",
        )


@admin.register(Alert)
class AlertAdmin(ServiceOwnedAdmin):
    list_display = [
        "title",
        "organization",
        "severity",
        "status",
        "occurrence_count",
        "triggered_at",
        "acknowledged_by",
        "resolved_at",
    ]
    list_filter = ["status", "severity", "organization"]
    search_fields = ["title", "message", "resolution", "root_cause"]
    readonly_fields = [
        "triggered_at",
        "last_occurrence",
        "occurrence_count",
        "acknowledged_at",
        "resolved_at",
    ]
    actions = ["acknowledge", "resolve"]

    @admin.action(description="Acknowledge the selected alerts")
    def acknowledge(self, request, queryset):
        by = request.user.get_username()
        apply_each(
            self,
            request,
            queryset,
            lambda a: alert_services.alert_acknowledge(alert=a, by=by),
            "Acknowledged",
        )

    @admin.action(description="Resolve the selected alerts")
    def resolve(self, request, queryset):
        by = request.user.get_username()
        resolve = lambda a: alert_services.alert_resolve(alert=a, by=by, resolution="Resolved in admin")  # noqa: E731
        apply_each(self, request, queryset, resolve, "Resolved")


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(ServiceOwnedAdmin):
    list_display = [
        "name",
        "organization",
        "starts_at",
        "ends_at",
        "cron",
        "duration_minutes",
        "applies_to_all",
        "is_active",
    ]
    list_filter = ["is_active", "applies_to_all", "organization"]
    search_fields = ["name", "description"]
