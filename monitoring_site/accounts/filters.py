import django_filters

from monitoring_site.accounts.models import ApiKey, Project
from monitoring_site.api.filters import DateOrDateTimeFilter


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    created_after = DateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateOrDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Project
        fields = ["name"]


class ApiKeyFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull")

    class Meta:
        model = ApiKey
        fields = ["scope", "is_active"]
