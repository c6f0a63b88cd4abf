"""Tasks, jobs, queues and the jobs statistics over the API: thin views over ``jobs.services`` and
``jobs.selectors``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from jobs import selectors
from jobs.api.serializers import (
    JobArgumentsSerializer,
    JobCreateSerializer,
    JobDetailSerializer,
    JobSerializer,
    JobStatusAuditSerializer,
    TaskCreatedSerializer,
    TaskSerializer,
)
from jobs.filters import JobFilter, TaskFilter
from jobs.inputs import NewTask, TaskChanges
from jobs.models import Job, Task
from jobs.services import jobs as job_services
from jobs.services import tasks as task_services
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.viewsets import (
    CreateMixin,
    ListMixin,
    RetrieveMixin,
    TenantModelViewSet,
    TenantViewSet,
)

RANGE = OpenApiParameter("range", str, enum=list(selectors.RANGES), description="Default Today.")


@extend_schema_view(
    create=extend_schema(
        responses={201: TaskCreatedSerializer}, summary="Create a task; its secret key is shown once"
    ),
    rotate_secret=extend_schema(
        request=None,
        responses={200: keyed("TaskSecretRotated", task=TaskCreatedSerializer())},
        summary="A new secret key, shown once; the old one stops working",
    ),
    runs=extend_schema(responses={200: JobSerializer(many=True)}, summary="Run audit: the task's jobs"),
    run=extend_schema(
        request=JobArgumentsSerializer,
        responses={201: keyed("TaskRunStarted", job=JobDetailSerializer())},
        summary="Run the task now",
    ),
)
class TaskViewSet(TenantModelViewSet):
    queryset = Task.objects.select_related("runner")
    serializer_class = TaskSerializer
    envelope_singular, envelope_plural = "task", "tasks"
    action_fields = {"run": JobArgumentsSerializer}
    filterset_class = TaskFilter
    action_params = {"runs": JobFilter}
    action_plurals = {"runs": "jobs"}
    sort_fields = ["id", "name", "task_type", "queue", "created_at", "next_run_at"]
    default_sort = "id"
    admin_actions = ("rotate_secret",)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task, secret = task_services.task_create(
            organization=self.tenant.organization, new=NewTask.of(serializer.validated_data)
        )
        data = TaskCreatedSerializer(
            task, context={**self.get_serializer_context(), "secret_key": secret}
        ).data
        return Response({"task": data}, status=201)

    def perform_update(self, serializer):
        return task_services.task_update(
            task=serializer.instance, changes=TaskChanges.of(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        task_services.task_delete(task=instance)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        task, secret = task_services.task_rotate_secret(task=self.get_object())
        context = {**self.get_serializer_context(), "secret_key": secret}
        return Response({"task": TaskCreatedSerializer(task, context=context).data})

    @action(detail=True, methods=["get"])
    def runs(self, request, pk=None):
        task = self.get_object()
        jobs = JobFilter(request.query_params, queryset=task.jobs.select_related("task", "runner")).qs
        page = self.paginate_queryset(jobs.order_by("-created_at", "-id"))
        return self.get_paginated_response(JobSerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        body = JobArgumentsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = job_services.job_create(
            task=self.get_object(),
            task_arguments=body.validated_data["task_arguments"],
            **job_services.job_trigger_of(self.tenant),
        )
        return Response({"job": JobDetailSerializer(job).data}, status=201)


@extend_schema_view(
    create=extend_schema(
        request=JobCreateSerializer, responses={201: JobDetailSerializer}, summary="Start a job of a task"
    ),
    retrieve=extend_schema(responses={200: JobDetailSerializer}),
    status_audit=extend_schema(
        responses={200: JobStatusAuditSerializer(many=True)}, summary="Every status change of the job"
    ),
    cancel=extend_schema(
        request=None,
        responses={200: keyed("JobCancelled", job=JobDetailSerializer())},
        summary="Queued: never runs. In progress: the process is terminated.",
    ),
    retry=extend_schema(
        request=None,
        responses={201: keyed("JobRetried", job=JobDetailSerializer())},
        summary="A new job of the same task and arguments (attempt + 1)",
    ),
)
class JobViewSet(ListMixin, RetrieveMixin, CreateMixin, TenantViewSet):
    queryset = Job.objects.select_related("task", "runner")
    serializer_class = JobSerializer
    envelope_singular, envelope_plural = "job", "jobs"
    filterset_class = JobFilter
    action_params = {
        "overview": ("range",),
        "recent_activity": ("limit",),
        "success_rate_trend": ("period",),
        "task_types": ("range",),
        "execution_times": ("range",),
    }
    action_plurals = {"status_audit": "status_audit"}
    sort_fields = [
        "id",
        "created_at",
        "started_at",
        "completed_at",
        "status",
        "duration",
        "queue",
        "task_type",
    ]
    default_sort = "-created_at"

    def get_serializer_class(self):
        if self.action == "create":
            return JobCreateSerializer
        return JobDetailSerializer if self.action == "retrieve" else JobSerializer

    def create(self, request, *args, **kwargs):
        body = JobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = Task.objects.filter(
            organization=self.tenant.organization, pk=body.validated_data["task"]
        ).first()
        if task is None:
            raise ValidationError({"task": ["No such task in this organization."]})
        job = job_services.job_create(
            task=task,
            task_arguments=body.validated_data["task_arguments"],
            **job_services.job_trigger_of(self.tenant),
        )
        return Response({"job": JobDetailSerializer(job).data}, status=201)

    @action(detail=True, methods=["get"], url_path="status-audit")
    def status_audit(self, request, pk=None):
        job = self.get_object()
        page = self.paginate_queryset(job.status_audits.order_by("at", "id"))
        return self.get_paginated_response(JobStatusAuditSerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = job_services.job_cancel(job=self.get_object(), by=self.tenant.by)
        return Response({"job": JobDetailSerializer(job).data})

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = job_services.job_retry(job=self.get_object(), by=job_services.job_trigger_of(self.tenant)["by"])
        return Response({"job": JobDetailSerializer(job).data}, status=201)

    @extend_schema(
        parameters=[RANGE],
        responses={200: OpenApiTypes.OBJECT},
        summary="Totals, success rate, execution time, queues and jobs over time",
    )
    @action(detail=False, methods=["get"], url_path="dashboard/overview")
    def overview(self, request):
        name = _choice(request, "range", selectors.RANGES, "Today")
        return Response({"overview": selectors.overview(self.tenant.organization.pk, name)})

    @extend_schema(
        parameters=[OpenApiParameter("limit", int)],
        responses={200: OpenApiTypes.OBJECT},
        summary="The latest job status changes",
    )
    @action(detail=False, methods=["get"], url_path="dashboard/recent-activity")
    def recent_activity(self, request):
        limit = _int(request, "limit", 20, 1, 200)
        return Response({"activity": selectors.recent_activity(self.tenant.organization.pk, limit)})

    @extend_schema(
        parameters=[OpenApiParameter("period", str, enum=list(selectors.TREND_PERIODS))],
        responses={200: OpenApiTypes.OBJECT},
        summary="Success rate per day",
    )
    @action(detail=False, methods=["get"], url_path="statistics/success-rate-trend")
    def success_rate_trend(self, request):
        period = _choice(request, "period", tuple(selectors.TREND_PERIODS), "Last7Days")
        days = selectors.TREND_PERIODS[period]
        return Response(
            {"period": period, "trend": selectors.success_rate_trend(self.tenant.organization.pk, days)}
        )

    @extend_schema(parameters=[RANGE], responses={200: OpenApiTypes.OBJECT}, summary="Jobs per task type")
    @action(detail=False, methods=["get"], url_path="statistics/task-types")
    def task_types(self, request):
        name = _choice(request, "range", selectors.RANGES, "All")
        return Response(
            {"range": name, "task_types": selectors.task_types(self.tenant.organization.pk, name)}
        )

    @extend_schema(
        parameters=[RANGE],
        responses={200: OpenApiTypes.OBJECT},
        summary="Execution time (avg, min, max, count) per task type",
    )
    @action(detail=False, methods=["get"], url_path="statistics/execution-times")
    def execution_times(self, request):
        name = _choice(request, "range", selectors.RANGES, "All")
        rows = selectors.execution_times(self.tenant.organization.pk, name)
        return Response({"range": name, "execution_times": rows})


def _choice(request, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in allowed:
        raise ValidationError({name: [f"One of {', '.join(allowed)}."]})
    return value


def _int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationError({name: [f"A whole number from {low} to {high}."]})
    return int(raw)


class QueueViewSet(TenantViewSet):
    """``GET /queues`` (totals per queue) and ``GET /queues/{name}/jobs``."""

    queryset = Job.objects.select_related("task", "runner")
    serializer_class = JobSerializer
    envelope_singular, envelope_plural = "queue", "queues"
    lookup_field = "queue"
    lookup_url_kwarg = "name"
    lookup_value_regex = "[^/]+"
    filterset_class = JobFilter
    action_params = {"jobs": JobFilter}
    action_plurals = {"jobs": "jobs"}
    sort_fields = ["id", "created_at", "status", "duration"]
    default_sort = "-created_at"

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Queues with totals, queued, in progress, completed, failed, cancelled, success rate",
    )
    def list(self, request):
        return Response({"queues": selectors.queues_summary(self.tenant.organization.pk)})

    @extend_schema(responses={200: JobSerializer(many=True)}, summary="The queue's jobs")
    @action(detail=True, methods=["get"])
    def jobs(self, request, name=None):
        jobs = self.filter_queryset(self.get_queryset().filter(queue=name))
        return self.get_paginated_response(JobSerializer(self.paginate_queryset(jobs), many=True).data)


class SecretTriggerView(StrictAPIView):
    """``POST /jobs/secret/{secret_key}``: the task's secret key starts a job of that task and can do
    nothing else (it reads nothing but the job it created)."""

    body_fields = {"post": JobArgumentsSerializer}

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="task-secret"'

    @extend_schema(
        tags=["jobs"],
        auth=[],
        request=JobArgumentsSerializer,
        responses={201: keyed("SecretJobStarted", job=JobDetailSerializer())},
        summary="Start a job of the task this secret key belongs to (no user token)",
    )
    def post(self, request, secret_key: str):
        task = task_services.task_for_secret(secret_key)
        if task is None:
            raise AuthenticationFailed("Unknown secret key.")
        body = JobArgumentsSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        job = job_services.job_create_by_secret(
            task=task, task_arguments=body.validated_data["task_arguments"]
        )
        return Response({"job": JobDetailSerializer(job).data}, status=201)
