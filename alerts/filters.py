import django_filters

from alerts.choices import ChannelKind, DeliveryStatus
from alerts.models import Delivery, NotificationChannel, Webhook
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
