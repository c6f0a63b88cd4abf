import django_filters
from django.db.models import Q

from jobs.choices import JobStatus, JobTarget, ScheduleType, TaskKind
from jobs.models import Job, Task
from monitoring_site.api.filters import DateOrDateTimeFilter


class TaskFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    task_type = django_filters.CharFilter(lookup_expr="icontains")
    queue = django_filters.CharFilter()
    target = django_filters.ChoiceFilter(choices=JobTarget.choices)
    is_recurring = django_filters.BooleanFilter(method="filter_recurring")
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = Task
        fields = ["kind", "task_type", "queue", "target", "enabled"]

    def filter_recurring(self, queryset, name, value):
        recurring = ~Q(schedule_type=ScheduleType.NONE)
        return queryset.filter(recurring if value else ~recurring)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    queue_name = django_filters.CharFilter(field_name="queue")
    task_type = django_filters.CharFilter(lookup_expr="icontains", help_text="Partial match.")
    task_id = django_filters.NumberFilter()
    runner_id = django_filters.NumberFilter()
    is_recurring = django_filters.BooleanFilter()
    created_from = DateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = DateOrDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Job
        fields = ["status", "task_id", "runner_id", "is_recurring"]
