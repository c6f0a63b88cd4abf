import json

import django_filters
from django.db.models import Q

from monitoring_site.api.filters import DateOrDateTimeFilter
from monitors.choices import IncidentStatus, MonitorStatus, MonitorType
from monitors.models import Incident, Monitor


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
    monitor_id = django_filters.NumberFilter()
    start_date = DateOrDateTimeFilter(field_name="started_at", lookup_expr="gte")
    end_date = DateOrDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Incident
        fields = ["status", "monitor_id"]


class CheckResultFilter(django_filters.FilterSet):
    start_date = DateOrDateTimeFilter(field_name="checked_at", lookup_expr="gte")
    end_date = DateOrDateTimeFilter(field_name="checked_at", lookup_expr="lt")
    ok = django_filters.BooleanFilter()
