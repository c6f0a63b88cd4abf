import django_filters

from alerts.choices import AlertStatus, ChannelKind, DeliveryStatus, Severity
from alerts.models import Alert, AlertRule, Delivery, MaintenanceWindow, NotificationChannel, Webhook
from monitoring_site.api.filters import DateOrDateTimeFilter


class ChannelFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="kind", choices=ChannelKind.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = NotificationChannel
        fields = ["type", "is_enabled", "name"]


class WebhookFilter(django_filters.FilterSet):
    class Meta:
        model = Webhook
        fields = ["is_active"]


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event = django_filters.CharFilter(field_name="event__name")
    created_after = DateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateOrDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Delivery
        fields = ["status", "event"]


class AlertRuleFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    metric = django_filters.CharFilter()

    class Meta:
        model = AlertRule
        fields = ["severity", "is_paused", "metric", "name"]


class AlertFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    agent_id = django_filters.NumberFilter(method="scope_filter")
    monitor_id = django_filters.NumberFilter(method="scope_filter")
    rule_id = django_filters.NumberFilter(field_name="rule_id")
    triggered_after = DateOrDateTimeFilter(field_name="triggered_at", lookup_expr="gte")
    triggered_before = DateOrDateTimeFilter(field_name="triggered_at", lookup_expr="lt")

    class Meta:
        model = Alert
        fields = ["status", "severity"]

    def scope_filter(self, queryset, name, value):
        return queryset.filter(**{f"scope__{name}": int(value)})


class MaintenanceWindowFilter(django_filters.FilterSet):
    class Meta:
        model = MaintenanceWindow
        fields = ["is_active", "applies_to_all"]
