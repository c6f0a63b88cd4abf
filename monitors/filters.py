import json

import django_filters
from django.db.models import Q

from monitoring_site.api.filters import DateOrDateTimeFilter
from monitors.choices import (
    HeartbeatStatus,
    IncidentSource,
    IncidentStatus,
    MonitorStatus,
    MonitorType,
    PingKind,
)
from monitors.models import Heartbeat, Incident, Monitor


class MonitorFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MonitorStatus.choices)
    type = django_filters.ChoiceFilter(choices=MonitorType.choices)
    project_id = django_filters.NumberFilter()
    tag = django_filters.CharFilter(method="filter_tag")
    search = django_filters.CharFilter(method="filter_search")
    created_after = DateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateOrDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Monitor
        fields = ["status", "type", "is_enabled", "project_id"]

    def filter_tag(self, queryset, name, value):
        # The tag list's JSON text holds "value" with its quotes: portable across SQLite and Postgres.
        return queryset.filter(tags__icontains=json.dumps(value))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(target__icontains=value))


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices)
    source_type = django_filters.ChoiceFilter(choices=IncidentSource.choices)
    monitor_id = django_filters.NumberFilter()
    heartbeat_id = django_filters.NumberFilter()
    start_date = DateOrDateTimeFilter(field_name="started_at", lookup_expr="gte")
    end_date = DateOrDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Incident
        fields = ["status", "source_type", "monitor_id", "heartbeat_id"]


class CheckResultFilter(django_filters.FilterSet):
    start_date = DateOrDateTimeFilter(field_name="checked_at", lookup_expr="gte")
    end_date = DateOrDateTimeFilter(field_name="checked_at", lookup_expr="lt")
    ok = django_filters.BooleanFilter()
    location = django_filters.CharFilter()


class HeartbeatFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HeartbeatStatus.choices)
    project_id = django_filters.NumberFilter()
    tag = django_filters.CharFilter(method="filter_tag")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    created_after = DateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateOrDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Heartbeat
        fields = ["status", "project_id", "is_paused"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__icontains=json.dumps(value))


class HeartbeatPingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PingKind.choices)
    start_date = DateOrDateTimeFilter(field_name="received_at", lookup_expr="gte")
    end_date = DateOrDateTimeFilter(field_name="received_at", lookup_expr="lt")
